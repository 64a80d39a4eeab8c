"""Locked plans: a named, frozen copy of the approved initiatives' figures, in EUR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PlannedInitiative:
    """One approved initiative as the plan froze it: its figures converted to EUR."""

    id: str
    name: str
    function: str
    stage: str
    run_rate_eur: Decimal
    one_off_costs_eur: Decimal
    start: str  # YYYY-MM
    ramp_months: int


@dataclass(frozen=True, slots=True)
class LockedPlan:
    """A plan under a name that is used once; its items never change."""

    name: str
    locked_at: datetime
    locked_by: str
    items: tuple[PlannedInitiative, ...]

    @property
    def run_rate_eur(self) -> Decimal:
        return sum((p.run_rate_eur for p in self.items), Decimal(0))
