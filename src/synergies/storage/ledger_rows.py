"""Rows <-> LedgerEntry. Only inserts: the ledger is append-only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
)

from synergies.domain.calendar import Month
from synergies.domain.counting import Cell, superseded, value_class
from synergies.domain.errors import NotFound
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.storage import tables as t
from synergies.storage.types import FACTOR, SCALE, Amount, UtcDateTime
from synergies.storage.written import note_written

L = t.ledger_entries
SPLIT = 10**9  # see _split: each part's sum stays far inside 64 bits


def _entry(r: Any) -> LedgerEntry:
    return LedgerEntry(
        partner=r["partner"], period=Month.parse(r["period"]),
        amount=Money(r["amount"], r["currency"]), category=Category(r["category"]),
        source=EntrySource(r["source"]), author=r["author"], recorded_at=r["recorded_at"],
        initiative_id=r["initiative_id"], function=r["function"], reverses=r["reverses"],
        reason=r["reason"], illustrative=r["illustrative"], lineage=r["lineage"], id=r["id"],
    )  # fmt: skip


def query_entries(
    *,
    initiative: str | None = None,
    partner: str | None = None,
    function: str | None = None,
    source: str | None = None,
    year: int | None = None,
    category: str | None = None,
) -> Select[Any]:
    query = select(L).order_by(L.c.id)
    if year is not None:  # periods are YYYY-MM text: a year is a range of them, indexed
        query = query.where(L.c.period.between(f"{year:04d}-01", f"{year:04d}-12"))
    if category:
        query = query.where(L.c.category == category)
    if initiative:
        query = query.where(L.c.initiative_id == initiative)
    if partner:
        query = query.where(L.c.partner == partner)
    if function:
        query = query.where(L.c.function == function)
    if source:
        query = query.where(L.c.source == source)
    return query


def entry_years(conn: Connection) -> list[int]:
    """Every calendar year from the first period to the last, oldest first."""
    # Two statements: SQLite answers a lone min() or max() from the index, not both at once.
    first = conn.execute(select(func.min(L.c.period))).scalar_one_or_none()
    last = conn.execute(select(func.max(L.c.period))).scalar_one_or_none()
    if first is None or last is None:
        return []
    return list(range(int(first[:4]), int(last[:4]) + 1))


def earliest_period(conn: Connection) -> Month | None:
    """The month of the ledger's oldest-dated entry, if it has any."""
    first = conn.execute(select(func.min(L.c.period))).scalar_one_or_none()
    return Month.parse(first) if first is not None else None


def load_entries(conn: Connection, query: Select[Any] | None = None) -> list[LedgerEntry]:
    return [
        _entry(r) for r in conn.execute(query if query is not None else query_entries()).mappings()
    ]


# The orders a ledger list may take, as the API's sort keys; ties in id order, as a stable
# sort of the list in id order would leave them.
ORDERS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "id": (L.c.id,),
    "period": (L.c.period, L.c.id),
    "amount": (L.c.currency, L.c.amount),
    "partner": (L.c.partner, L.c.id),
}


def page_of_entries(
    conn: Connection, query: Select[Any], sort: str, limit: int, offset: int
) -> list[LedgerEntry]:
    """One page of the entries `query` selects, sorted in SQL: a page of a million-entry
    ledger reads a page, not the ledger."""
    descending = sort.startswith("-")
    columns = ORDERS[sort.lstrip("-")]
    order = [c.desc() if descending else c.asc() for c in columns]
    if columns[-1] is not L.c.id:
        order.append(L.c.id.asc())
    rows = conn.execute(query.order_by(None).order_by(*order).limit(limit).offset(offset))
    return [_entry(r) for r in rows.mappings()]


def totals_of_entries(
    conn: Connection, query: Select[Any], *, after_id: int = 0, upto_id: int | None = None
) -> list[tuple[str, str, int, Decimal]]:
    """(currency, category, entries, exact sum) of the entries `query` selects with
    `after_id` < id <= `upto_id`, counted and summed in SQL in one pass."""
    bounded = query.order_by(None).where(L.c.id > after_id)
    if upto_id is not None:
        bounded = bounded.where(L.c.id <= upto_id)
    picked = bounded.subquery()
    high, low = _split(picked.c.amount)
    summed = select(
        picked.c.currency, picked.c.category, func.count().label("entries"),
        func.sum(high).label("high"), func.sum(low).label("low"),
    ).group_by(picked.c.currency, picked.c.category)  # fmt: skip
    return [
        (r["currency"], r["category"], int(r["entries"]), _exact_sum(dict(r)))
        for r in conn.execute(summed).mappings()
    ]


def load_entry(conn: Connection, entry_id: int) -> LedgerEntry:
    row = conn.execute(select(L).where(L.c.id == entry_id)).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"no ledger entry {entry_id}", field="entry", fix="list the ledger to find its id"
        )
    return _entry(row)


def reversed_ids(conn: Connection, entry_ids: list[int]) -> set[int]:
    query = select(L.c.reverses).where(L.c.reverses.in_(entry_ids))
    return {r for (r,) in conn.execute(query)}


def refresh_statistics(conn: Connection) -> None:
    """After a large batch, let PostgreSQL's planner see the ledger's new size. Without it (a
    server with autovacuum off, or before autovacuum comes by) plans made for a small ledger,
    such as a sequential scan for import keys, stay in the session and slow every later batch
    in proportion to the ledger. SQLite plans from its indexes and needs nothing."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE ledger_entries"))


def known_import_keys(conn: Connection, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found |= {
            k for (k,) in conn.execute(select(L.c.import_key).where(L.c.import_key.in_(chunk)))
        }
    return found


def _row(entry: LedgerEntry, key: str | None) -> dict[str, object]:
    return {
        "partner": entry.partner, "period": str(entry.period), "amount": entry.amount.amount,
        "currency": entry.amount.currency, "category": entry.category.value,
        "source": entry.source.value, "author": entry.author, "recorded_at": entry.recorded_at,
        "initiative_id": entry.initiative_id, "function": entry.function,
        "reverses": entry.reverses, "reason": entry.reason, "illustrative": entry.illustrative,
        "lineage": entry.lineage, "import_key": key,
    }  # fmt: skip


def insert_entries(
    conn: Connection, entries: list[LedgerEntry], import_keys: list[str | None] | None = None
) -> list[int]:
    """Append entries in one round of batched statements; return their ids in order."""
    if not entries:
        return []
    keys = import_keys or [None] * len(entries)
    rows = [_row(e, k) for e, k in zip(entries, keys, strict=True)]
    if len(rows) < BULK_ROWS:
        result = conn.execute(insert(L).returning(L.c.id, sort_by_parameter_order=True), rows)
        ids = [row.id for row in result]
    else:
        ids = _insert_bulk(conn, rows)
    note_written(conn, "ledger", ids)  # the audit record carries what was written
    return ids


BULK_ROWS = 1_000
_AMOUNT, _MOMENT = Amount(), UtcDateTime()  # the types of the amount and recorded_at columns


def stored_forms(conn: Connection) -> Callable[[Decimal, datetime], tuple[Decimal, datetime]]:
    """A function giving an amount and a moment as reading their row back would: the amount
    at the store's scale, the moment as the column keeps it (the columns' own conversions,
    both ways). Moments repeat in a batch: each is converted once."""
    dialect = conn.dialect
    moments: dict[datetime, datetime] = {}

    def stored(amount: Decimal, at: datetime) -> tuple[Decimal, datetime]:
        kept = _AMOUNT.process_result_value(_AMOUNT.process_bind_param(amount, dialect), dialect)
        moment = moments.get(at)
        if moment is None:
            moment = _MOMENT.process_result_value(_MOMENT.process_bind_param(at, dialect), dialect)
            assert moment is not None
            moments[at] = moment
        assert kept is not None
        return kept, moment

    return stored


def _insert_bulk(conn: Connection, rows: list[dict[str, object]]) -> list[int]:
    """A plain batched INSERT, then the new ids: RETURNING in parameter order makes SQLite
    run one statement per row, five times slower. Writers hold the write lock
    (services/audit.lock_writes), so every id above the highest before is one of these, given
    in the order of the rows."""
    before = conn.execute(select(func.max(L.c.id))).scalar_one_or_none() or 0
    conn.execute(insert(L), rows)
    ids = list(conn.execute(select(L.c.id).where(L.c.id > before).order_by(L.c.id)).scalars())
    if len(ids) != len(rows):
        raise RuntimeError(f"{len(rows)} ledger rows inserted but {len(ids)} new ids found: "
                           "another writer inserted without the write lock")  # fmt: skip
    return ids


def keyed_entries(conn: Connection, prefix: str) -> list[tuple[LedgerEntry, str]]:
    """Entries whose import key starts with `prefix`, with their keys (oldest first)."""
    query = select(L).where(L.c.import_key.like(prefix + "%")).order_by(L.c.id)
    return [(_entry(r), r["import_key"]) for r in conn.execute(query).mappings()]


def _live(query: Select[Any]) -> Select[Any]:
    undone = select(L.c.reverses).where(L.c.reverses.is_not(None))
    return (
        query.where(L.c.reverses.is_(None), L.c.id.not_in(undone))
        .order_by(L.c.id)
        .execution_options(yield_per=5_000)
    )


def live_entries_with_keys(
    conn: Connection, *, except_prefix: str | None = None
) -> Iterator[tuple[LedgerEntry, str | None]]:
    """Every entry neither reversed nor a reversal, in id order, with its import key; read in
    batches, so that a million entries are never all in memory. `except_prefix`: leave out
    those whose import key starts with it (see `live_keys`)."""
    query = _live(select(L))
    if except_prefix is not None:
        query = query.where(or_(L.c.import_key.is_(None),
                                ~L.c.import_key.startswith(except_prefix, autoescape=True)))  # fmt: skip
    for row in conn.execute(query).mappings():
        yield _entry(row), row["import_key"]


def live_keys(conn: Connection, prefix: str) -> Iterator[tuple[int, str]]:
    """The id and import key of every live entry whose key starts with `prefix`: no entry
    is built, so a million are read in seconds."""
    query = _live(select(L.c.id, L.c.import_key)).where(
        L.c.import_key.startswith(prefix, autoescape=True)
    )
    yield from conn.execute(query)


SUM_KEYS = {"function": L.c.function, "partner": L.c.partner, "initiative": L.c.initiative_id}
SUMMED_AT = datetime(1970, 1, 1, tzinfo=UTC)


def sum_entries(
    conn: Connection, key: str, after_id: int = 0, upto_id: int | None = None
) -> list[LedgerEntry]:
    """The ledger summed in SQL per month, currency, category, source, illustrative flag and
    `key` (function, partner, initiative or category): one entry stands for each group's exact
    sum, so reports convert a few hundred sums at their month's rate instead of every entry.
    Only entries with after_id < id <= upto_id when those are given."""
    columns = [L.c.period, L.c.currency, L.c.category, L.c.source, L.c.illustrative]
    if key in SUM_KEYS:
        columns.append(SUM_KEYS[key])
    query = select(*columns, *_sums()).where(L.c.id > after_id)
    if upto_id is not None:
        query = query.where(L.c.id <= upto_id)
    return _summed_rows(conn, query.group_by(*columns))


def measured_cells(conn: Connection, upto_id: int | None = None) -> set[Cell]:
    """The cells (initiative, partner, month, value class) a standing measured entry stands
    for: domain/counting.py's rule, in SQL."""
    undone = select(L.c.reverses).where(L.c.reverses.is_not(None))
    query = (
        select(L.c.initiative_id, L.c.partner, L.c.period, L.c.category)
        .where(
            L.c.source == EntrySource.measured.value,
            L.c.initiative_id.is_not(None),
            L.c.reverses.is_(None),
            L.c.id.not_in(undone),
        )
        .distinct()
    )
    if upto_id is not None:
        query = query.where(L.c.id <= upto_id)
    cells = set()
    for initiative, partner, period, category in conn.execute(query):
        kind = value_class(Category(category))
        if kind is not None:
            cells.add((initiative, partner, Month.parse(period), kind))
    return cells


def sum_superseded(
    conn: Connection, key: str, cells: set[Cell], upto_id: int | None = None
) -> list[LedgerEntry]:
    """The declared entries of `cells` (which a measurement stands for), summed as
    `sum_entries` sums: what a report takes back out of its totals."""
    if not cells:
        return []
    columns = [
        L.c.period,
        L.c.currency,
        L.c.category,
        L.c.source,
        L.c.illustrative,
        L.c.initiative_id,
        L.c.partner,
    ]
    if key in SUM_KEYS and SUM_KEYS[key] not in columns:
        columns.append(SUM_KEYS[key])
    query = select(*columns, *_sums()).where(
        L.c.source != EntrySource.measured.value,
        L.c.initiative_id.in_(sorted({c[0] for c in cells})),
        L.c.period.in_(sorted({str(c[2]) for c in cells})),
    )
    if upto_id is not None:
        query = query.where(L.c.id <= upto_id)
    return [e for e in _summed_rows(conn, query.group_by(*columns)) if superseded(e, cells)]


def _sums() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    high, low = _split(L.c.amount)
    return func.sum(high).label("high"), func.sum(low).label("low")


def safe_sum() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The amount column summed in two parts that cannot overflow (select them, then read the
    row's sum with `exact_sum`): a plain SUM overflows SQLite's 64 bits at ten top amounts."""
    return _sums()


def exact_sum(row: Any) -> Decimal:
    """The exact sum of a row selected with SAFE_SUM."""
    return _exact_sum({"high": row.high, "low": row.low})


def _summed_rows(conn: Connection, query: Select[Any]) -> list[LedgerEntry]:
    months: dict[str, Month] = {}
    found = []
    for row in conn.execute(query).mappings():
        r = dict(row)  # plain dict: .get on a RowMapping raises and catches per missing key
        month = months.get(r["period"]) or months.setdefault(r["period"], Month.parse(r["period"]))
        found.append(_summed(r, month))
    return found


def _split(units: ColumnElement[Decimal]) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """An amount as high * SPLIT + low, so that summing each part cannot overflow SQLite's
    64-bit integers (ten amounts at the store's limit already would). Whatever rounding the
    backend's integer division has, low is defined from the same high, so the parts are exact."""
    raw = type_coerce(units, BigInteger)
    high = raw // SPLIT
    return high, raw - high * SPLIT


def _exact_sum(r: dict[str, Any]) -> Decimal:
    units = int(r["high"]) * SPLIT + int(r["low"])
    return (Decimal(units) / FACTOR).quantize(SCALE)


def _summed(r: dict[str, Any], month: Month) -> LedgerEntry:
    return LedgerEntry(
        partner=r.get("partner") or "", period=month,
        amount=Money(_exact_sum(r), r["currency"]), category=Category(r["category"]),
        source=EntrySource(r["source"]), author="(sum)", recorded_at=SUMMED_AT,
        initiative_id=r.get("initiative_id"), function=r.get("function"),
        illustrative=r["illustrative"],
    )  # fmt: skip


def newest_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(L.c.id))).scalar_one_or_none() or 0)
