"""Reports over the store, in a chosen currency and calendar."""

from __future__ import annotations

from synergies.domain.calendar import CALENDAR_YEAR
from synergies.domain.money import currency_code
from synergies.domain.partners import find_partner
from synergies.reports.synergy_report import Breakdown, SynergyReport, build_report
from synergies.services import ledger, structure
from synergies.services.context import Context
from synergies.services.security import Action


def synergy_report(
    ctx: Context,
    *,
    year: int | None = None,
    by: Breakdown = Breakdown.function,
    currency: str = "EUR",
    fiscal_year_of: str | None = None,
) -> SynergyReport:
    """Realized synergies by year against targets; fiscal years of a partner if asked.

    Aggregates only, the same for every reader, so it is cached until the data changes."""
    ctx.allow(Action.read)
    code = currency_code(currency, field="--currency")
    if ctx.in_transaction:
        return _compute(ctx, year, by, code, fiscal_year_of)
    key = ("synergy_report", year, by, code, (fiscal_year_of or "").strip().upper())
    return ctx.store.cache.get(key, lambda: _compute(ctx, year, by, code, fiscal_year_of))


def _compute(
    ctx: Context, year: int | None, by: Breakdown, code: str, fiscal_year_of: str | None
) -> SynergyReport:
    calendar, name = CALENDAR_YEAR, "calendar year"
    if fiscal_year_of:
        partner = find_partner(structure.partners(ctx), fiscal_year_of, field="--fiscal-year-of")
        calendar, name = partner.fiscal_calendar, f"fiscal year of {partner.code}"
    return build_report(
        ledger.sums(ctx, by.value),
        structure.targets(ctx),
        structure.fx_table(ctx),
        currency=code,
        calendar=calendar,
        calendar_name=name,
        year=year,
        breakdown=by,
    )
