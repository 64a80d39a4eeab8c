"""Rows <-> alert rule settings and baseline decisions, and the ledger aggregates the alert
rules read (grouped in SQL: a store of a million entries is summed, never loaded)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, insert, select, update

from synergies.domain.alert_rules import BaselineDecision, SavingsAge
from synergies.domain.alerts import Rule, RuleSetting, default_settings
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource
from synergies.storage import ledger_rows
from synergies.storage import tables as t

R = t.alert_rules
B = t.baseline_decisions
L = t.ledger_entries
NOT_SAVINGS = (Category.one_off_cost.value, Category.dis_synergy.value)


def load_settings(conn: Connection) -> dict[Rule, RuleSetting]:
    """Every rule's setting: the admin's where one was set, else the default."""
    settings = default_settings()
    known = {r.value for r in Rule}
    for row in conn.execute(select(R)).mappings():
        if row["rule"] in known:  # a rule of a newer version is not this one's to judge
            rule = Rule(row["rule"])
            settings[rule] = RuleSetting(rule, row["threshold"], row["enabled"])
    return settings


def save_setting(conn: Connection, setting: RuleSetting, at: datetime, by: str) -> None:
    values = {"threshold": setting.threshold, "enabled": setting.enabled, "changed_at": at,
              "changed_by": by}  # fmt: skip
    done = conn.execute(update(R).where(R.c.rule == setting.rule.value).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(R).values(rule=setting.rule.value, **values))


def insert_decision(conn: Connection, decision: BaselineDecision, at: datetime, by: str) -> None:
    conn.execute(
        insert(B).values(source=decision.source, on=decision.on, reference=decision.reference,
                         recorded_at=at, recorded_by=by)
    )  # fmt: skip


def load_decisions(conn: Connection) -> list[BaselineDecision]:
    query = select(B.c.source, B.c.on, B.c.reference).order_by(B.c.id)
    return [BaselineDecision(r.source, r.on, r.reference) for r in conn.execute(query)]


_SUM = ledger_rows.safe_sum()  # summed in two parts: sums of top amounts cannot overflow


def realized_by_initiative(
    conn: Connection, through: str, recent_from: str
) -> list[tuple[str | None, str | None, str, str, Decimal]]:
    """(initiative, function, currency, month, amount) of the synergies to month `through`
    (reversals net out; one-off costs are not synergies). Savings booked without an
    initiative come back with initiative None, by function: they are not attributed.
    Months from `recent_from` come one by one (the realized run-rate reads them); EUR
    before it is summed (month ""), other currencies stay by month, to convert.

    The one place that sums ledger savings per initiative: every status, alert and forecast
    reads realized savings through it. Written so that no index is used (coalesce): nearly
    every entry passes the filter, and one pass over the table is several times faster than
    reading it in an index's order."""
    period = func.coalesce(L.c.period, "")
    month = case((and_(L.c.currency == "EUR", period < recent_from), ""), else_=L.c.period)
    keys = (L.c.initiative_id, L.c.function, L.c.currency)
    query = (
        select(*keys, month.label("month"), *_SUM)
        .where(period <= through, L.c.category != Category.one_off_cost.value)
        .group_by(*keys, month)
    )
    found = [
        (r.initiative_id, r.function, r.currency, r.month, ledger_rows.exact_sum(r))
        for r in conn.execute(query)
    ]
    return found + _superseded(conn, through, recent_from)


def _superseded(
    conn: Connection, through: str, recent_from: str
) -> list[tuple[str | None, str | None, str, str, Decimal]]:
    """The declared entries a measurement stands for, as negative rows of the same shape:
    the counting rule (domain/counting.py) applied to the sums above."""
    cells = ledger_rows.measured_cells(conn)
    rows = []
    for e in ledger_rows.sum_superseded(conn, "function", cells):
        month = str(e.period)
        if month > through:
            continue
        shown = "" if e.amount.currency == "EUR" and month < recent_from else month
        rows.append((e.initiative_id, e.function, e.amount.currency, shown, -e.amount.amount))
    return rows


def last_period(conn: Connection) -> str | None:
    """The latest month the ledger holds an entry for (YYYY-MM)."""
    return conn.execute(select(func.max(L.c.period))).scalar_one_or_none()


def standing_savings(conn: Connection, recorded_before: datetime) -> list[SavingsAge]:
    """Savings (positive, neither reversed nor a reversal, not published) recorded before
    `recorded_before`, grouped by initiative, partner, function and source."""
    undone = select(L.c.reverses).where(L.c.reverses.is_not(None))
    keys = (L.c.initiative_id, L.c.partner, L.c.function, L.c.source)
    query = (
        select(*keys, func.count().label("n"), func.min(L.c.recorded_at).label("oldest"))
        .where(
            L.c.reverses.is_(None), L.c.id.not_in(undone),
            L.c.source != EntrySource.published.value, L.c.category.not_in(NOT_SAVINGS),
            L.c.amount > Decimal(0), L.c.recorded_at < recorded_before,
        )
        .group_by(*keys)
    )  # fmt: skip
    return [
        SavingsAge(r.initiative_id, r.partner, r.function, EntrySource(r.source), int(r.n),
                   r.oldest)
        for r in conn.execute(query)
    ]  # fmt: skip


def measured_and_declared(conn: Connection) -> list[tuple[str, str, str, str, bool, Decimal]]:
    """(partner, initiative, month, currency, measured?, amount) of the synergies of every
    initiative-month of a partner that holds measured entries: measured and declared
    (entered or imported) apart. Reversals net out."""
    keys = (L.c.partner, L.c.initiative_id, L.c.period, L.c.currency)
    measured = (
        select(*keys, *_SUM)
        .where(L.c.source == EntrySource.measured.value, L.c.initiative_id.is_not(None),
               L.c.category != Category.one_off_cost.value)
        .group_by(*keys)
    )  # fmt: skip
    found = [(r.partner, r.initiative_id, r.period, r.currency, True, ledger_rows.exact_sum(r))
             for r in conn.execute(measured)]  # fmt: skip
    cells = {(p, i, m) for p, i, m, _, _, _ in found}
    if not cells:
        return []
    declared = (
        select(*keys, *_SUM)
        .where(L.c.period.in_(sorted({m for _, _, m in cells})),
               L.c.initiative_id.in_(sorted({i for _, i, _ in cells})),
               L.c.source.in_([EntrySource.entered.value, EntrySource.imported.value]),
               L.c.category != Category.one_off_cost.value)
        .group_by(*keys)
    )  # fmt: skip
    found += [
        (r.partner, r.initiative_id, r.period, r.currency, False, ledger_rows.exact_sum(r))
        for r in conn.execute(declared)
        if (r.partner, r.initiative_id, r.period) in cells
    ]
    return found
