"""The savings ledger: list, add, import (idempotent) and reverse. Never edit, never delete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput
from synergies.domain.initiatives import Category, Initiative
from synergies.domain.ledger import (
    EntryFilter,
    LedgerEntry,
    check_period,
    check_sign,
    reversal_of,
    split_entry,
    split_rule_text,
)
from synergies.domain.money import Money
from synergies.domain.partners import ALLIANCE, find_partner
from synergies.services.audit import ledger_digest
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import alliance_rows, initiative_rows, ledger_rows
from synergies.storage.written import note_digests


def _query(where: EntryFilter | None) -> Select[Any]:
    where = where or EntryFilter()
    return ledger_rows.query_entries(
        initiative=where.initiative, partner=where.partner, function=where.function,
        source=where.source, year=where.year,
        category=where.category.value if where.category else None,
    )  # fmt: skip


def entries(ctx: Context, where: EntryFilter | None = None) -> list[LedgerEntry]:
    """Every entry the filter selects, in id order (an export; a page wants `entry_page`)."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return ledger_rows.load_entries(conn, _query(where))


def years(ctx: Context) -> list[int]:
    """The calendar years the ledger has entries in, oldest first (for a year picker)."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return ledger_rows.entry_years(conn)


@dataclass(frozen=True, slots=True)
class EntryPage:
    entries: list[LedgerEntry]
    total: int  # entries the filter selects, on every page
    totals: list[Money]  # their sum per currency, synergies only (one-off costs apart)
    one_off_costs: list[Money]


SORTS = tuple(ledger_rows.ORDERS)


def entry_page(
    ctx: Context, where: EntryFilter | None = None, *, sort: str = "id", limit: int = 100,
    offset: int = 0,
) -> EntryPage:  # fmt: skip
    """One page of the entries the filter selects, sorted by one of SORTS ('-' first for
    descending), with how many there are and what they add up to; all of it in SQL, and the
    count and sums followed from one page view to the next by adding only new entries."""
    ctx.allow(Action.read)
    if sort.lstrip("-") not in ledger_rows.ORDERS:
        raise InvalidInput(
            f"cannot sort by {sort!r}", field="sort", fix=f"sort by one of: {', '.join(SORTS)}"
        )
    where = where or EntryFilter()
    query = _query(where)
    with ctx.reading() as conn:
        chosen = _selection(ctx, conn, where, query)
        page = ledger_rows.page_of_entries(conn, query, sort, limit, offset)
    return EntryPage(page, chosen.entries, *_by_kind(chosen.sums))


@dataclass(frozen=True, slots=True)
class _Selection:
    """How many entries a filter selects and their sums, up to the entry `newest_id`."""

    newest_id: int
    entries: int
    sums: dict[tuple[str, str], Decimal]  # (currency, category) -> exact sum

    def plus(self, newest_id: int, rows: list[tuple[str, str, int, Decimal]]) -> _Selection:
        sums = dict(self.sums)
        for currency, category, _count, amount in rows:
            sums[currency, category] = sums.get((currency, category), Decimal(0)) + amount
        return _Selection(newest_id, self.entries + sum(r[2] for r in rows), sums)


def _selection(
    ctx: Context, conn: Connection, where: EntryFilter, query: Select[Any]
) -> _Selection:
    """The filter's count and sums: the kept ones plus the entries appended since, else
    counted afresh. The ledger only grows (a correction is a new entry), and writers hold
    the store's write lock from their first statement, so ids are handed out in commit order
    and what is below the newest id seen is final."""
    top = ledger_rows.newest_id(conn)
    key = ("ledger.selection", where)
    kept = None if ctx.in_transaction else ctx.store.cache.recall(key)
    start = kept if isinstance(kept, _Selection) and kept.newest_id <= top else None
    base = start or _Selection(0, 0, {})
    rows = ledger_rows.totals_of_entries(conn, query, after_id=base.newest_id, upto_id=top)
    now = base.plus(top, rows)
    if not ctx.in_transaction:
        ctx.store.cache.remember(key, now)
    return now


def _by_kind(sums: dict[tuple[str, str], Decimal]) -> tuple[list[Money], list[Money]]:
    synergies: dict[str, Decimal] = {}
    costs: dict[str, Decimal] = {}
    for (currency, category), amount in sums.items():
        into = costs if category == Category.one_off_cost.value else synergies
        into[currency] = into.get(currency, Decimal(0)) + amount
    return (
        [Money(a, c) for c, a in sorted(synergies.items())],
        [Money(a, c) for c, a in sorted(costs.items())],
    )


@dataclass(frozen=True, slots=True)
class Periods:
    """The months a new realized entry may have in this store, now."""

    now: Month  # the current month, by the store's clock
    founded: date | None  # the day the alliance began, if the store knows it

    def check(self, period: Month) -> None:
        check_period(period, now=self.now, founded=self.founded)


def periods(ctx: Context, conn: Connection) -> Periods:
    """The rule for a caller that checks entries one by one (a workbook import, per row)."""
    return Periods(Month.of(ctx.clock()), alliance_rows.alliance_founded(conn))


LARGE_BATCH = 1_000  # entries: above this, a batch reads every initiative at once


class _References:
    """Partners, initiatives and the months an entry may have, looked up once per batch."""

    def __init__(self, ctx: Context, conn: Connection, *, all_initiatives: bool = False) -> None:
        self.conn = conn
        self.partners = alliance_rows.load_partners(conn)
        self.periods = periods(ctx, conn)
        self.initiatives: dict[str, Initiative] = {}
        if all_initiatives:  # a large batch: one query instead of one per initiative
            self.initiatives = {i.id: i for i in initiative_rows.load_initiatives(conn)}

    def initiative(self, initiative_id: str) -> Initiative:
        if initiative_id not in self.initiatives:
            self.initiatives[initiative_id] = initiative_rows.load_initiative(
                self.conn, initiative_id
            )
        return self.initiatives[initiative_id]

    def complete(self, entry: LedgerEntry) -> LedgerEntry:
        """Check references and fill the function from the initiative."""
        if entry.partner == ALLIANCE:  # before the look-up: it is no partner
            raise InvalidInput(
                "an amount for the alliance is recorded as a split: one entry per partner",
                field="partner",
                fix="record it as a split, which its initiative's allocation rule makes",
            )
        find_partner(self.partners, entry.partner)
        check_sign(entry)
        if entry.reverses is None:  # a reversal takes its original's month, whatever it is
            self.periods.check(entry.period)
        if entry.initiative_id is None:
            return entry
        initiative = self.initiative(entry.initiative_id)
        if entry.partner not in initiative.partners():
            raise Conflict(
                f"{entry.partner} does not share {initiative.id}",
                field="partner",
                fix=f"partners sharing it: {', '.join(initiative.partners())}",
            )
        if entry.function not in (None, initiative.function):
            raise Conflict(
                f"{initiative.id} belongs to {initiative.function}, not {entry.function}",
                field="function",
            )
        if entry.function == initiative.function:
            return entry
        return replace(entry, function=initiative.function)


def add(ctx: Context, entry: LedgerEntry) -> LedgerEntry:
    """Append one entry, recorded by someone of its partner (and, for a lead, its function)."""
    ctx.allow(Action.record_ledger)  # the role, before any look-up on the caller's behalf
    with ctx.transaction() as conn:
        full = _References(ctx, conn).complete(entry)
        ctx.allow(Action.record_ledger, partner=full.partner, function=full.function)
        (new_id,) = ledger_rows.insert_entries(conn, [full])
        stored = replace(full, id=new_id)
        ctx.audit(conn, "ledger.add", f"ledger/{new_id}", after=stored)
    return stored


@dataclass(frozen=True, slots=True)
class Split:
    """An amount for the alliance and the entries its initiative's rule split it into."""

    amount: Money
    initiative_id: str
    rule: str  # as the entries' lineage names it: "fixed shares RENAULT=45, NISSAN=55"
    entries: list[LedgerEntry]


def add_split(ctx: Context, entry: LedgerEntry) -> Split:
    """Split an amount for the whole alliance (`entry`, its partner ALLIANCE) by its
    initiative's allocation rule into one entry per sharing partner, all in one transaction
    with one audit record. Only who may record for every sharing partner may split."""
    ctx.allow(Action.record_ledger)  # the role, before any look-up on the caller's behalf
    with ctx.transaction() as conn:
        refs = _References(ctx, conn)
        initiative = refs.initiative(_splittable(entry))
        for partner in initiative.partners():
            ctx.allow(Action.record_ledger, partner=partner, function=initiative.function)
        parts = [refs.complete(e) for e in split_entry(entry, initiative.allocation)]
        ids = ledger_rows.insert_entries(conn, parts)
        stored = [replace(e, id=i) for e, i in zip(parts, ids, strict=True)]
        split = Split(entry.amount, initiative.id, split_rule_text(initiative.allocation), stored)
        ctx.audit(conn, "ledger.split", f"ledger/{ids[0]}-{ids[-1]}", after=split)
    return split


def _splittable(entry: LedgerEntry) -> str:
    """The initiative whose rule splits `entry`, once the entry is one to split."""
    if entry.partner != ALLIANCE:
        raise InvalidInput(
            f"{entry.partner} is one partner; only an amount for the alliance is split",
            field="partner",
            fix=f"give the partner as {ALLIANCE}, or record the entry as it is",
        )
    if entry.initiative_id is None:
        raise InvalidInput(
            "an amount for the alliance is split by its initiative's allocation rule",
            field="initiative_id",
            fix="name the initiative the amount comes from",
        )
    check_sign(entry)
    return entry.initiative_id


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    added: int
    already_there: int


def add_many(
    ctx: Context, batch: list[LedgerEntry], keys: list[str], label: str,
    initiatives: Mapping[str, Initiative] | None = None,
) -> ImportOutcome:  # fmt: skip
    """Append a batch all or nothing; an entry whose key is already stored is skipped.
    `initiatives`: the store's, read in this transaction, if the caller has them."""
    if len(set(keys)) != len(keys):
        raise InvalidInput("the batch repeats an import key", field="import_key")
    ctx.allow(Action.record_ledger)
    with ctx.transaction() as conn:
        known = ledger_rows.known_import_keys(conn, keys)
        fresh = [(e, k) for e, k in zip(batch, keys, strict=True) if k not in known]
        refs = _References(ctx, conn, all_initiatives=len(fresh) > LARGE_BATCH and not initiatives)
        refs.initiatives.update(initiatives or {})
        completed = [refs.complete(e) for e, _ in fresh]
        for partner, function in sorted({(e.partner, e.function or "") for e in completed}):
            ctx.allow(Action.record_ledger, partner=partner, function=function or None)
        ids = ledger_rows.insert_entries(conn, completed, [k for _, k in fresh])
        if len(ids) >= LARGE_BATCH:  # digests from memory: the audit record reads nothing back
            stored = ledger_rows.stored_forms(conn)
            note_digests(conn, {
                i: ledger_digest(e, id=i, amount=amount, recorded_at=at)
                for e, i in zip(completed, ids, strict=True)
                for amount, at in (stored(e.amount.amount, e.recorded_at),)
            })  # fmt: skip
            ledger_rows.refresh_statistics(conn)
        if ids:
            ctx.audit(conn, "ledger.import", f"ledger/{ids[0]}-{ids[-1]}", after={
                "label": label, "added": len(ids), "skipped": len(known),
                "first_id": ids[0], "last_id": ids[-1],
            })  # fmt: skip
    return ImportOutcome(len(fresh), len(known))


def reverse(ctx: Context, entry_id: int, reason: str) -> LedgerEntry:
    """Record the exact opposite of an entry; only who may record the original may reverse it."""
    ctx.allow(Action.record_ledger)
    with ctx.transaction() as conn:
        original = ledger_rows.load_entry(conn, entry_id)
        ctx.allow(Action.record_ledger, partner=original.partner, function=original.function)
        reversal = reversal_of(
            original,
            reversed_ids=ledger_rows.reversed_ids(conn, [entry_id]),
            author=ctx.actor.name,
            reason=reason,
            at=ctx.clock(),
        )
        (new_id,) = ledger_rows.insert_entries(conn, [reversal])
        stored = replace(reversal, id=new_id)
        ctx.audit(conn, "ledger.reverse", f"ledger/{entry_id}", original, stored)
    return stored


def entry(ctx: Context, entry_id: int) -> LedgerEntry:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return ledger_rows.load_entry(conn, entry_id)
