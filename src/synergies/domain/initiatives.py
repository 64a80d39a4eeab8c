"""Initiatives: the work that produces synergies, moving through stage gates L0-L5."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from synergies.domain.allocation import AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.money import Money


class Stage(StrEnum):
    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def rank(self) -> int:
        return int(self.value[1])


STAGE_LABELS = {
    Stage.L0: "idea",
    Stage.L1: "identified",
    Stage.L2: "validated",
    Stage.L3: "approved",
    Stage.L4: "executed",
    Stage.L5: "realized",
}


class SideStatus(StrEnum):
    at_risk = "at risk"
    on_hold = "on hold"
    cancelled = "cancelled"


class Category(StrEnum):
    cost_reduction = "cost reduction"  # hard
    cost_avoidance = "cost avoidance"  # soft
    incremental_revenue = "incremental revenue"
    capex_avoidance = "capex avoidance"
    dis_synergy = "dis-synergy"  # negative
    one_off_cost = "one-off cost"  # cost to achieve, never counted as a synergy


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The numbers of an initiative: run-rate at full ramp, one-off costs, start and ramp."""

    run_rate: Money
    one_off_costs: Money
    start: Month
    ramp_months: int = 12


@dataclass(frozen=True, slots=True)
class Approval:
    body: str  # e.g. "Alliance Board"
    on: date


@dataclass(frozen=True, slots=True)
class SignOff:
    partner: str
    controller: str
    on: date


# How far back a sign-off or an approval may be dated: a year's close and its audit, with a
# margin. Older papers are not evidence of the figures as they stand today.
LOOKBACK = timedelta(days=400)


def dated_within(on: date, earliest: date, today: date, *, what: str, field: str) -> None:
    """Refuse a date in the future, before `earliest`, or more than `LOOKBACK` ago."""
    floor = max(earliest, today - LOOKBACK)
    if on > today:
        raise InvalidInput(
            f"{what} dated {on.isoformat()} is in the future",
            field=field,
            fix=f"date it {today.isoformat()} or earlier",
        )
    if on < floor:
        raise InvalidInput(
            f"{what} dated {on.isoformat()} is before {floor.isoformat()}",
            field=field,
            fix=f"date it between {floor.isoformat()} and {today.isoformat()} (not before the "
            f"figures it covers, nor more than {LOOKBACK.days} days ago)",
        )


@dataclass(frozen=True, slots=True)
class Initiative:
    id: str
    name: str
    function: str
    owner: str
    category: Category
    allocation: AllocationRule
    stage: Stage = Stage.L0
    side_status: SideStatus | None = None
    forecast: PlanFigures | None = None  # the working forecast (business case once at L2)
    locked_plan: PlanFigures | None = None  # frozen at approval; never changes afterwards
    approval: Approval | None = None
    signoffs: tuple[SignOff, ...] = field(default=())
    agreement: str | None = None
    illustrative: bool = False
    # The owner's judgment of the odds of delivery, replacing the stage default in forecasts.
    probability: Decimal | None = None
    version: int = 1

    def partners(self) -> list[str]:
        return self.allocation.partners()

    def with_changes(self, **changes: object) -> Initiative:
        return replace(self, version=self.version + 1, **changes)  # type: ignore[arg-type]
