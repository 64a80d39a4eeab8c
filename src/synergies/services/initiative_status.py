"""Each initiative's status on a day, computed once for every surface that shows it.

The register, an initiative's page, the alerts, the board pack and the forecast all read it
here, so that the same day gives the same answer everywhere; domain/initiative_status.py
states the rule. Realized savings come from the ledger through one query
(storage/alert_rows.realized_by_initiative), each month converted to EUR at its own rate as
the reports do; savings booked without an initiative are kept apart, by function, as not
attributed: they are never set against one initiative's plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from synergies.domain.alert_rules import ramp_to_date
from synergies.domain.alerts import Rule, RuleSetting
from synergies.domain.calendar import Month
from synergies.domain.errors import NotFound
from synergies.domain.fx import FxTable
from synergies.domain.initiative_status import (
    NOTHING,
    RUN_RATE_MONTHS,
    InitiativeStatus,
    Realized,
    Thresholds,
    ledger_through,
    status_of,
)
from synergies.domain.initiatives import Initiative
from synergies.domain.money import Money
from synergies.forecasting.ramp import exact_profile
from synergies.schemas.initiatives import InitiativeStatusOut
from synergies.services.context import Context
from synergies.services.engine_inputs import as_engine_input
from synergies.services.security import Action
from synergies.storage import alert_rows, alliance_rows, initiative_rows

__all__ = ["NotAttributed", "StatusBoard", "board", "realized", "statuses"]


@dataclass(frozen=True, slots=True)
class NotAttributed:
    """Savings a function booked without naming an initiative (function None: neither)."""

    function: str | None
    realized: Realized


@dataclass(frozen=True, slots=True)
class StatusBoard:
    """Every initiative's status on `on`, and each function's savings not attributed."""

    on: date
    through: Month | None
    initiatives: tuple[InitiativeStatus, ...]
    not_attributed: tuple[NotAttributed, ...]

    def of(self, initiative_id: str) -> InitiativeStatus:
        found = next((s for s in self.initiatives if s.initiative_id == initiative_id), None)
        if found is None:
            raise NotFound(f"no initiative {initiative_id}", field="initiative")
        return found

    @property
    def at_risk(self) -> tuple[InitiativeStatus, ...]:
        return tuple(s for s in self.initiatives if s.at_risk)

    def shown(self, initiative_id: str) -> InitiativeStatusOut:
        """The status as every shell shows it, with its function's unattributed savings."""
        s = self.of(initiative_id)
        return InitiativeStatusOut.of(s, self.not_attributed_in(s.function).to_date)

    def not_attributed_in(self, function: str) -> Realized:
        return next((n.realized for n in self.not_attributed if n.function == function), NOTHING)


def statuses(ctx: Context, on: date | None = None) -> StatusBoard:
    """Every initiative's status on `on` (default: the context's day)."""
    ctx.allow(Action.read)
    day = on or ctx.clock().date()
    with ctx.reading() as conn:
        return board(
            conn,
            day,
            initiative_rows.load_initiatives(conn),
            alliance_rows.load_fx(conn),
            alert_rows.load_settings(conn),
        )


def board(
    conn: Connection,
    on: date,
    initiatives: Iterable[Initiative],
    fx: FxTable,
    settings: Mapping[Rule, RuleSetting],
) -> StatusBoard:
    """The statuses within a read the caller holds (the alerts evaluate their rules in one)."""
    latest = alert_rows.last_period(conn)
    through = ledger_through(on, Month.parse(latest) if latest else None)
    by_initiative, by_function = realized(conn, fx, through) if through else ({}, {})
    limits = Thresholds(
        _threshold(settings, Rule.behind_ramp), _threshold(settings, Rule.gate_overdue)
    )
    found = tuple(
        status_of(i, on, through, *_plan(i, fx, through), by_initiative.get(i.id, NOTHING), limits)
        for i in initiatives
    )
    apart = tuple(NotAttributed(f, r) for f, r in sorted(by_function.items(), key=_by_name))
    return StatusBoard(on, through, found, apart)


def _by_name(item: tuple[str | None, Realized]) -> str:
    return item[0] or ""


def _threshold(settings: Mapping[Rule, RuleSetting], rule: Rule) -> Decimal | None:
    setting = settings[rule]
    return setting.threshold if setting.enabled else None


def _plan(i: Initiative, fx: FxTable, through: Month | None) -> tuple[Decimal | None, Decimal]:
    """The plan's run-rate (the locked plan, else the working forecast) and what its ramp
    lands to `through`, in EUR; none when it has no figures or no FX rate for its start."""
    figures = i.locked_plan or i.forecast
    if figures is None:
        return None, Decimal(0)
    try:
        item = as_engine_input(i, figures, fx)
    except NotFound:  # no FX rate to plan with
        return None, Decimal(0)
    if through is None:
        return item.run_rate, Decimal(0)
    return item.run_rate, ramp_to_date(item.run_rate, item.start, exact_profile(item), through)


def realized_per_initiative(
    ctx: Context, through: Month
) -> tuple[dict[str, Realized], dict[str | None, Realized]]:
    """`realized` in a read of its own: per initiative, and per function unattributed."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return realized(conn, alliance_rows.load_fx(conn), through)


def realized(
    conn: Connection, fx: FxTable, through: Month
) -> tuple[dict[str, Realized], dict[str | None, Realized]]:
    """Savings to `through` in EUR, each month at its own rate: per initiative, and per
    function for what no initiative was named for. A month without a rate counts nothing."""
    recent = through.plus(1 - RUN_RATE_MONTHS)
    sums: dict[tuple[bool, str | None], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    rows = alert_rows.realized_by_initiative(conn, str(through), str(recent))
    for initiative, function, currency, month, amount in rows:
        eur = _eur(fx, amount, currency, Month.parse(month) if month else None)
        acc = sums[(initiative is not None, initiative if initiative is not None else function)]
        acc[0] += eur
        if month and Month.parse(month) >= recent:
            acc[1] += eur
    own = {k: Realized(*v) for (named, k), v in sums.items() if named and k is not None}
    apart = {k: Realized(*v) for (named, k), v in sums.items() if not named}
    return own, apart


def _eur(fx: FxTable, amount: Decimal, currency: str, month: Month | None) -> Decimal:
    if currency == "EUR" or month is None:
        return amount
    try:
        return fx.convert(Money(amount, currency), "EUR", month).result.amount
    except NotFound:  # no FX rate for that month
        return Decimal(0)
