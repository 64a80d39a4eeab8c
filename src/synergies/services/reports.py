"""Reports over the store, in a chosen currency and calendar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from synergies.domain.calendar import CALENDAR_YEAR, FiscalCalendar, Month
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.fx import FxTable
from synergies.domain.money import currency_code
from synergies.domain.partners import find_partner
from synergies.domain.targets import Target
from synergies.reports.synergy_report import Breakdown, SynergyReport, Tally, finish_report
from synergies.services import structure
from synergies.services.audit_trail import ACCOUNT_ACTIONS, report_inputs_unchanged_but_appends
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import ledger_rows


def synergy_report(
    ctx: Context,
    *,
    year: int | None = None,
    by: Breakdown = Breakdown.function,
    currency: str = "EUR",
    fiscal_year_of: str | None = None,
) -> SynergyReport:
    """Realized synergies by year against targets; fiscal years of a partner if asked.

    Aggregates only, the same for every reader: cached until the data changes, and after a
    ledger append brought up to date by adding just the new entries."""
    ctx.allow(Action.read)
    code = currency_code(currency, field="currency")
    calendar, name = _calendar(ctx, fiscal_year_of)
    now = calendar.year_of(Month.of(ctx.clock()))
    if ctx.in_transaction:  # uncommitted data: compute afresh, cache nothing
        return _finish(_full(ctx, by, code, calendar, 0), year, by, code, calendar, name, now)
    key = ("synergy_report", year, by, code, name, now)
    return ctx.store.cache.get(
        key,
        lambda version: _finish(
            _kept(ctx, by, code, calendar, name, version), year, by, code, calendar, name, now
        ),
        ACCOUNT_ACTIONS,
    )


def _default_year(tally: Tally, now: int) -> int | None:
    """The year a report is about unless one is asked: the latest realized year up to the
    current one, so that an entry dated in the far future (stored before such dates were
    refused) does not move every reader's report, overview and forecast to it."""
    return max((y for y, v in tally.realized.items() if v and y <= now), default=None)


def _calendar(ctx: Context, fiscal_year_of: str | None) -> tuple[FiscalCalendar, str]:
    if not fiscal_year_of:
        return CALENDAR_YEAR, "calendar year"
    partner = find_partner(structure.partners(ctx), fiscal_year_of, field="fiscal_year_of")
    return partner.fiscal_calendar, f"fiscal year of {partner.code}"


@dataclass(frozen=True, slots=True)
class _Kept:
    """A tally, the inputs it was made with, and how far into the store it reaches."""

    version: int  # audit head when it was made
    newest_id: int  # the newest ledger entry in it
    tally: _Counted
    fx: FxTable
    targets: list[Target]


def _full(ctx: Context, by: Breakdown, code: str, calendar: FiscalCalendar, version: int) -> _Kept:
    fx, targets = structure.fx_table(ctx), structure.targets(ctx)
    with ctx.reading() as conn:
        top = ledger_rows.newest_id(conn)
        entries = ledger_rows.sum_entries(conn, by.value, upto_id=top)
        tally = _counted(
            conn, Tally().plus(entries, fx, code, calendar, by), fx, code, calendar, by, top
        )
    return _Kept(version, top, tally, fx, targets)


@dataclass(frozen=True, slots=True)
class _Counted:
    """A tally of every entry, and the same with the counting rule applied (what reports
    show): appends extend the first; the rule is applied afresh, since a new measured entry
    takes declared entries recorded long before out of the count."""

    every: Tally
    counted: Tally


def _counted(
    conn: Connection,
    every: Tally,
    fx: FxTable,
    code: str,
    calendar: FiscalCalendar,
    by: Breakdown,
    top: int,
) -> _Counted:
    """Declared entries a measurement stands for, taken out (domain/counting.py)."""
    cells = ledger_rows.measured_cells(conn, upto_id=top)
    taken = ledger_rows.sum_superseded(conn, by.value, cells, upto_id=top)
    return _Counted(every, every.less_superseded(taken, fx, code, calendar, by))


def _kept(
    ctx: Context, by: Breakdown, code: str, calendar: FiscalCalendar, name: str, version: int
) -> _Kept:
    """The tally now: the kept one plus the entries appended since, or a fresh one.

    Following appends is safe because writers hold the store's write lock from their first
    statement (ids are handed out in commit order) and the kept FX and targets still hold
    when the audit trail shows no change to them since."""
    key = ("synergy_tally", by, code, name)
    kept = ctx.store.cache.recall(key)
    now: _Kept | None = None
    if isinstance(kept, _Kept):
        with ctx.reading() as conn:
            if report_inputs_unchanged_but_appends(conn, kept.version):
                top = ledger_rows.newest_id(conn)
                new = ledger_rows.sum_entries(conn, by.value, after_id=kept.newest_id, upto_id=top)
                every = kept.tally.every.plus(new, kept.fx, code, calendar, by)
                tally = _counted(conn, every, kept.fx, code, calendar, by, top)
                now = _Kept(version, top, tally, kept.fx, kept.targets)
    if now is None:
        now = _full(ctx, by, code, calendar, version)
    ctx.store.cache.remember(key, now)
    return now


def _finish(
    kept: _Kept,
    year: int | None,
    by: Breakdown,
    code: str,
    calendar: FiscalCalendar,
    name: str,
    now: int,
) -> SynergyReport:
    year = year if year is not None else _default_year(kept.tally.counted, now)
    try:
        return finish_report(
            kept.tally.counted, kept.targets, kept.fx, currency=code, calendar=calendar,
            calendar_name=name, year=year, breakdown=by,
        )  # fmt: skip
    except InvalidInput as refused:
        if refused.field != "year":
            raise
        # A breakdown year with nothing realized is the ledger's state, not a bad request.
        raise NotFound(refused.message, field=refused.field, fix=refused.fix) from None
