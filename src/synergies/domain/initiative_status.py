"""Where an initiative stands on a day: realized against its plan, at risk, or closed.

One rule, read by every surface (the register, an initiative's page, the alerts, the board
pack, the forecast), so that they cannot disagree about the same initiative on the same day.
The facts come in already in EUR (services/initiative_status.py gathers them); no I/O here.

The rule, as the surfaces state it:
- realized to date: the initiative's ledger savings to the month the ledger is complete to;
  its realized run-rate is what it realized in the twelve months to that month.
- behind ramp: an approved initiative (L3 or later, with a locked plan, not cancelled)
  realized less than its plan's ramp expected to that month, by more than the admin's
  behind-ramp threshold (the alert rule of the same name).
- gate overdue: its locked plan dated its next gate more than the gate-overdue threshold
  days before the day (the alert rule of the same name).
- at risk: not cancelled, and its side status is at risk or on hold, or it is behind ramp,
  or a gate is overdue. A realized (L5) initiative behind its ramp is flagged too: what it
  delivered is short of what was planned.
- closed: realized (L5) or cancelled. Nothing more is expected of a closed initiative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from synergies.domain.alert_rules import next_gate_due
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Initiative, SideStatus, Stage

HUNDRED = Decimal(100)
RUN_RATE_MONTHS = 12  # the realized run-rate: what the last twelve months realized
FLAGGED_SIDE = (SideStatus.at_risk, SideStatus.on_hold)


@dataclass(frozen=True, slots=True)
class Realized:
    """An initiative's (or a function's unattributed) ledger savings, EUR."""

    to_date: Decimal
    run_rate: Decimal  # realized in the twelve months to the month the ledger is complete to


NOTHING = Realized(Decimal(0), Decimal(0))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The alert rules' thresholds the status flags with; None: the admin switched it off."""

    behind_ramp: Decimal | None  # percent
    gate_overdue: Decimal | None  # days


@dataclass(frozen=True, slots=True)
class GateDue:
    """The next gate the locked plan dates, and how many days past that date the day is."""

    gate: Stage
    due: date
    days_late: int


@dataclass(frozen=True, slots=True)
class InitiativeStatus:
    """One initiative on a day: its plan, what it realized, whether it is at risk and why."""

    initiative_id: str
    function: str
    stage: Stage
    side_status: SideStatus | None
    on: date
    through: Month | None  # the month the ledger is complete to; None: an empty ledger
    plan_run_rate: Decimal | None  # EUR: the locked plan's if any, else the working forecast's
    planned_to_date: Decimal  # EUR the plan's ramp lands to `through`
    realized: Realized
    behind_ramp: Decimal | None  # percent behind the plan's ramp; None: no approved ramp yet
    gate: GateDue | None
    reasons: tuple[str, ...]  # why it is at risk; empty: it is not
    closed: bool

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)

    @property
    def still_to_come(self) -> Decimal:
        """The plan's run-rate not yet in the realized run-rate (0: closed or delivered)."""
        if self.closed or self.plan_run_rate is None:
            return Decimal(0)
        return max(self.plan_run_rate - self.realized.run_rate, Decimal(0))

    @property
    def label(self) -> str:
        """A few words for a table: closed, at risk, on track, or not approved yet."""
        if self.side_status is SideStatus.cancelled:
            return "closed (cancelled)"
        if self.closed:
            return "closed (realized), at risk" if self.at_risk else "closed (realized)"
        if self.at_risk:
            return "at risk"
        return "on track" if self.stage.rank >= Stage.L3.rank else "not approved yet"


def is_closed(i: Initiative) -> bool:
    return i.stage is Stage.L5 or i.side_status is SideStatus.cancelled


def has_approved_ramp(i: Initiative) -> bool:
    """Whether the behind-ramp rule applies: approved, with a locked plan, not cancelled."""
    return (
        i.locked_plan is not None
        and i.stage.rank >= Stage.L3.rank
        and i.side_status is not SideStatus.cancelled
    )


def behind_by(planned: Decimal, realized: Decimal) -> Decimal | None:
    """How far behind the ramp, in percent of what it planned (None: nothing planned yet)."""
    if planned <= 0:
        return None
    return (planned - realized) / planned * HUNDRED


def gate_due(i: Initiative, on: date) -> GateDue | None:
    due = next_gate_due(i)
    return None if due is None else GateDue(due[0], due[1], (on - due[1]).days)


def status_of(
    i: Initiative,
    on: date,
    through: Month | None,
    plan_run_rate: Decimal | None,
    planned_to_date: Decimal,
    realized: Realized,
    limits: Thresholds,
) -> InitiativeStatus:
    """The initiative's status on `on` from facts in EUR (see the module's rule)."""
    behind = behind_by(planned_to_date, realized.to_date) if has_approved_ramp(i) else None
    gate = gate_due(i, on)
    return InitiativeStatus(
        i.id,
        i.function,
        i.stage,
        i.side_status,
        on,
        through,
        plan_run_rate,
        planned_to_date,
        realized,
        behind,
        gate,
        _reasons(i, behind, gate, through, limits),
        is_closed(i),
    )


def _reasons(
    i: Initiative,
    behind: Decimal | None,
    gate: GateDue | None,
    through: Month | None,
    limits: Thresholds,
) -> tuple[str, ...]:
    if i.side_status is SideStatus.cancelled:
        return ()
    found = [f"side status {i.side_status.value}"] if i.side_status in FLAGGED_SIDE else []
    if behind is not None and limits.behind_ramp is not None and behind > limits.behind_ramp:
        found.append(f"{behind:.1f} % behind its plan's ramp to {through}")
    if (
        gate is not None
        and limits.gate_overdue is not None
        and gate.days_late > limits.gate_overdue
    ):
        found.append(f"{gate.gate.label} ({gate.gate}) {gate.days_late} days overdue")
    return tuple(found)


def ledger_through(on: date, latest: Month | None) -> Month | None:
    """The month the ledger is complete to on `on`: the month before the day's, or the
    ledger's latest month if that is earlier (savings are booked after their month closes)."""
    return None if latest is None else min(Month.of(on).plus(-1), latest)
