"""Posting proven savings to the ledger, with lineage, so that posting the same content again
(from any folder) adds nothing and posting a changed source reverses what changed and records
the new figures.

A purchase line is counted once whatever source, layout, folder or run brings it. Its
identity is its partner and line id: each posted run records, per partner and month, how many
lines it claimed and their first and last line id (`LineRange`). A partner's month whose lines
another source posted first is held by that source: another source's lines there are posted
only where their id range cannot meet the holder's (different lines); the same lines, or
ranges that meet, add nothing, and the outcome says which run holds them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.initiatives import Category
from synergies.domain.ledger import (
    MEASURED_LINEAGE,
    PLANNED_FIX,
    EntrySource,
    LedgerEntry,
    reversal_of,
)
from synergies.domain.money import Money
from synergies.measurement.lineage import source_label
from synergies.measurement.measure import Period, measure
from synergies.measurement.result import (
    MeasurementResult,
    partner_figures,
    public_summary,
    to_json,
)
from synergies.services import holdings, initiatives, ledger
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import alliance_rows, ledger_rows, measurement_rows
from synergies.storage.ledger_rows import reversed_ids
from synergies.storage.measurement_rows import MeasurementRun

WHOLE_SOURCE = Period()


@dataclass(frozen=True, slots=True)
class Held:
    """A partner's month of lines that another source's run posted first: not added again."""

    partner: str
    month: Month
    run_id: int  # the run holding the lines
    source: str  # that run's source, as runs name it
    lines: int  # this source's claimed lines there
    same_lines: bool  # the very same lines (count, first and last id); else ranges that meet
    amount: Decimal  # what this source would have added there, in the reporting currency


@dataclass(frozen=True, slots=True)
class PostOutcome:
    run_id: int | None
    entries_added: int
    entries_reversed: int
    unchanged: bool
    result: MeasurementResult
    posted_from: str | None = None  # unchanged: the source the run `run_id` was posted from
    held: tuple[Held, ...] = ()  # lines other sources' runs hold: counted there, not here


def source_key(source: str | Path) -> str:
    """Where a source lies, to tell a changed source from a new one: its absolute folder or
    its database URL. Kept hashed in the ledger's import keys, never shown."""
    text = str(source)
    return text if "://" in text else str(Path(text).expanduser().resolve())


def content_fingerprint(result: MeasurementResult, period: Period, key: str) -> str:
    """The identity of what was measured: the tables' contents (not where they lie), the
    method, currency and period. A database source's tables are not hashed, so there the
    location stands in for the content, as before."""
    lineage = result.lineage
    content = lineage.get("content_sha256") or [key, {
        name: entry.get("rows") for name, entry in lineage.get("tables", {}).items()
    }]  # fmt: skip
    body = json.dumps(
        [content, lineage.get("method"), lineage.get("method_version"),
         result.reporting_currency, str(period.start), str(period.end)],
        sort_keys=True, default=str,
    )  # fmt: skip
    return hashlib.sha256(body.encode()).hexdigest()


def _amounts(result: MeasurementResult) -> dict[tuple[str, str, str, str], Decimal]:
    """(initiative, partner, month, kind) -> the amount to stand in the ledger (non-zero)."""
    wanted = {}
    for cell, figures in result.cells.items():
        for kind, amount in (("hard", figures.net), ("avoidance", figures.cost_avoidance)):
            rounded = result.round(amount)
            if rounded:
                wanted[(cell.initiative_id, cell.partner, str(cell.month), kind)] = rounded
    return wanted


def _category(kind: str, amount: Decimal) -> Category:
    if kind == "avoidance":
        return Category.cost_avoidance
    return Category.cost_reduction if amount > 0 else Category.dis_synergy


def source_id(key: str) -> str:
    """A source's identity in runs and ledger keys: its location, hashed (never shown)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _prefix(source: str) -> str:
    return f"measured:{source_id(source)}:"


def period_record(period: Period) -> list[str | None]:
    """A period as a run records it, to tell whether a later run measures the same one."""
    return [str(period.start) if period.start else None, str(period.end) if period.end else None]


def _live(conn: Connection, prefix: str) -> dict[tuple[str, str, str, str], LedgerEntry]:
    """The measured entries of this source that stand (not reversed), by cell and kind."""
    found = ledger_rows.keyed_entries(conn, prefix)
    gone = reversed_ids(conn, [e.id for e, _ in found if e.id is not None])
    live = {}
    for entry, key in found:
        if entry.id not in gone:
            initiative, partner, month, kind, _run = key[len(prefix) :].split("|")
            live[(initiative, partner, month, kind)] = entry
    return live


def authorize_posting(ctx: Context) -> None:
    """Posting a measured source is an alliance-wide act: a source may hold lines of any
    partner for initiatives of any function, and which ones is known only once it is read.
    So the right to record for every partner and function is checked before any file is
    read (an alliance admin holds it), and nobody without it makes the server do the work."""
    ctx.allow(Action.record_ledger)
    with ctx.reading() as conn:
        partners = sorted(alliance_rows.load_partners(conn))
        functions = sorted(alliance_rows.load_functions(conn))
    for partner in partners:
        ctx.allow(Action.record_ledger, partner=partner)
    for function in functions:
        ctx.allow(Action.record_ledger, function=function)


def post_source(
    ctx: Context,
    source: str | Path,
    *,
    label: str | None = None,
    reporting_currency: str = "EUR",
    date_from: date | None = None,
    date_to: date | None = None,
) -> PostOutcome:
    """Measure a source on this machine's disk (or database) and post the result.

    `label` is how the run names the source (the API gives the path under its sources
    folder); by default the folder's name."""
    authorize_posting(ctx)  # before reading anything on the caller's behalf
    period = Period(date_from, date_to)
    result = measure(source, reporting_currency=reporting_currency, period=period, line_ranges=True)
    return post_result(ctx, source, result, period, label=label)


def post_result(
    ctx: Context,
    source: str | Path,
    result: MeasurementResult,
    period: Period = WHOLE_SOURCE,
    *,
    label: str | None = None,
    months: frozenset[Month] | None = None,
) -> PostOutcome:
    """Record a measurement in the ledger: only what changed since this source's last post,
    and nothing at all if the same content was posted before, from wherever.

    `months`, for an incremental run, are the only months the result covers: the source's
    entries of other months stand as they are. The result must carry its line ranges
    (`measure(..., line_ranges=True)`): they decide which lines other sources hold."""
    if result.line_ranges is None:
        raise ValueError("a result to post is measured with line_ranges=True")
    _authorize(ctx, result)
    key = source_key(source)
    shown = label or source_label(str(source))
    digest = content_fingerprint(result, period, key)
    with ctx.transaction() as conn:
        _check_months(ledger.periods(ctx, conn), result)
        previous = measurement_rows.run_with_fingerprint(conn, digest)
        wanted, live = _amounts(result), _live(conn, _prefix(key))
        if months is not None:
            shown_months = {str(m) for m in months}
            live = {cell: e for cell, e in live.items() if cell[2] in shown_months}
        held = holdings.held_elsewhere(conn, source_id(key), result.line_ranges)
        wanted, held_out = _without(wanted, held, result)
        if months is None and previous is not None and _unchanged(previous, shown, live, wanted):
            return PostOutcome(previous.id, 0, 0, True, result, previous.source, held_out)
        run_id = _insert_run(conn, ctx, shown, digest, result, key, period)
        added, reversed_ = _apply(
            ctx, conn, live, _prefix(key), run_id, wanted, result.reporting_currency, held
        )
        measurement_rows.set_counts(conn, run_id, added, reversed_)
        _insert_details(conn, run_id, result, set(held))
        ctx.audit(conn, "measurement.post", f"measurement/{run_id}", after={
            "source": shown, "fingerprint": digest, "entries_added": added,
            "entries_reversed": reversed_,
            "held_elsewhere": [f"{h.partner} {h.month}: run {h.run_id}" for h in held_out],
        })  # fmt: skip
    return PostOutcome(run_id, added, reversed_, False, result, held=held_out)


def _without(
    wanted: dict[tuple[str, str, str, str], Decimal],
    held: Mapping[tuple[str, Month], holdings.Holder],
    result: MeasurementResult,
) -> tuple[dict[tuple[str, str, str, str], Decimal], tuple[Held, ...]]:
    """The amounts to post, less those of partner-months another source holds, and those."""
    kept = {cell: a for cell, a in wanted.items() if (cell[1], Month.parse(cell[2])) not in held}
    ranges = result.line_ranges or {}

    def amount(partner: str, month: Month) -> Decimal:
        there = (a for c, a in wanted.items() if (c[1], c[2]) == (partner, str(month)))
        return sum(there, Decimal(0))

    out = tuple(
        Held(
            partner,
            month,
            holder.run_id,
            holder.source,
            ranges[partner, month].lines,
            holder.same_lines,
            amount(partner, month),
        )
        for (partner, month), holder in sorted(held.items())
    )
    return kept, out


def _check_months(periods: ledger.Periods, result: MeasurementResult) -> None:
    """A source with lines after the current month or before the alliance is refused whole,
    naming those months: leaving them out silently would post less than the source says,
    and the measured period (date_from/date_to) already leaves them out when one asks."""
    outside: set[Month] = set()
    for month in {cell.month for cell in result.cells}:
        try:
            periods.check(month)
        except InvalidInput:
            outside.add(month)
    if not outside:
        return
    shown = ", ".join(str(m) for m in sorted(outside)[:6]) + (", ..." if len(outside) > 6 else "")
    first = Month.of(periods.founded) if periods.founded else None
    raise InvalidInput(
        f"the source has savings in {len(outside)} month(s) outside "
        f"{first or 'the alliance'} to {periods.now}: {shown}; nothing was posted",
        field="purchase_lines.posting_date",
        fix=f"measure a period inside {first or 'the alliance'} to {periods.now} (date from/to), "
        f"or correct the lines' dates; {PLANNED_FIX}",
    )


def _authorize(ctx: Context, result: MeasurementResult) -> None:
    """Posting needs the right to record for every partner and function the source touches,
    even when nothing new would be written (the outcome itself says something)."""
    ctx.allow(Action.record_ledger)
    functions = {i.id: i.function for i in initiatives.list_initiatives(ctx)}
    for initiative, partner in sorted({(c.initiative_id, c.partner) for c in result.cells}):
        ctx.allow(Action.record_ledger, partner=partner, function=functions.get(initiative))


def _unchanged(
    previous: MeasurementRun,
    shown: str,
    live: dict[tuple[str, str, str, str], LedgerEntry],
    wanted: dict[tuple[str, str, str, str], Decimal],
) -> bool:
    """Content posted before adds nothing, from a new folder too. The exception: the source
    that first posted it, where what stands is no longer that content (it went back to it
    after a change, or lines another source held are free again): it is measured again."""
    standing = {cell: entry.amount.amount for cell, entry in live.items()}
    return previous.source != shown or standing == wanted


def _apply(
    ctx: Context,
    conn: Connection,
    live: dict[tuple[str, str, str, str], LedgerEntry],
    prefix: str,
    run_id: int,
    wanted: dict[tuple[str, str, str, str], Decimal],
    currency: str,
    held: Mapping[tuple[str, Month], holdings.Holder],
) -> tuple[int, int]:
    """Reverse standing entries whose amount changed or vanished; add the new amounts."""
    now, author = ctx.clock(), ctx.actor.name

    def why(cell: tuple[str, str, str, str]) -> str:
        holder = held.get((cell[1], Month.parse(cell[2])))
        if holder is not None:  # a double count from before line identities: undone here
            return f"re-measured in run {run_id}: its lines are held by run {holder.run_id}"
        return f"re-measured in run {run_id}: the source changed"

    reversals = [
        reversal_of(entry, reversed_ids=[], author=author, at=now, reason=why(cell))
        for cell, entry in live.items()
        if wanted.get(cell) != entry.amount.amount
    ]
    fresh, keys = [], []
    for cell, amount in sorted(wanted.items()):
        standing = live.get(cell)
        if standing is not None and standing.amount.amount == amount:
            continue
        initiative, partner, month, kind = cell
        fresh.append(LedgerEntry(
            partner=partner, period=Month.parse(month),
            amount=Money(amount, currency), category=_category(kind, amount),
            source=EntrySource.measured, author=author, recorded_at=now,
            initiative_id=initiative, lineage=f"{MEASURED_LINEAGE}{run_id}",
        ))  # fmt: skip
        keys.append(f"{prefix}{initiative}|{partner}|{month}|{kind}|{run_id}")
    ledger_rows.insert_entries(conn, reversals)
    outcome = ledger.add_many(ctx, fresh, keys, f"measurement run {run_id}")
    return outcome.added, len(reversals)


def _insert_run(
    conn: Connection,
    ctx: Context,
    shown: str,
    digest: str,
    result: MeasurementResult,
    key: str,
    period: Period,
) -> int:
    lineage = {k: v for k, v in result.lineage.items() if k != "queries"}
    lineage["source"] = shown
    lineage["source_id"] = source_id(key)
    lineage["period"] = period_record(period)
    return measurement_rows.insert_run(
        conn, source=shown, fingerprint_hash=digest, fingerprint=lineage,
        method_version=f"{lineage.get('method', '')} {lineage.get('method_version', '')}".strip(),
        query=json.dumps(result.lineage.get("queries", {})),
        reporting_currency=result.reporting_currency, posted_at=ctx.clock(),
        actor=ctx.actor.name, summary=public_summary(to_json(result)),
    )  # fmt: skip


def _insert_details(
    conn: Connection, run_id: int, result: MeasurementResult, held: set[tuple[str, Month]]
) -> None:
    """Line-level detail, one record per partner: confidential to that partner. It holds the
    line ranges of the partner's months this run posted (not those held elsewhere)."""
    document = to_json(result)
    sample = document["double_claimed_lines"]["sample"]
    ranges = {k: r for k, r in (result.line_ranges or {}).items() if k not in held}
    partners = sorted(
        {c.partner for c in result.cells} | {s["partner"] for s in sample} | {p for p, _ in ranges}
    )
    known = alliance_rows.load_partners(conn)
    for partner in partners:
        if partner not in known:
            raise InvalidInput(
                f"the source has lines of {partner!r}, which is not a partner in the store",
                field="purchase_lines.partner", fix="add the partner, or fix the source",
            )  # fmt: skip
        cells = {c: f for c, f in result.cells.items() if c.partner == partner}
        detail = {
            "double_claimed_lines": [s for s in sample if s["partner"] == partner],
            "leakage": [
                {"initiative_id": c.initiative_id, "month": str(c.month), "lines": f.leakage_lines,
                 "amount": str(result.round(f.leakage))}
                for c, f in cells.items() if f.leakage_lines
            ],
            "unmeasurable": _reasons(cells.values()),
            **partner_figures(result, partner),
            holdings.DETAIL_KEY: holdings.ranges_record(ranges, partner),
        }  # fmt: skip
        measurement_rows.insert_detail(conn, run_id, partner, detail)


def _reasons(figures: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for f in figures:
        for reason, n in f.unmeasurable.items():
            counts[reason] += n
    return dict(sorted(counts.items()))


def runs(ctx: Context) -> list[MeasurementRun]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return [_shown(r) for r in measurement_rows.load_runs(conn)]


def run(ctx: Context, run_id: int) -> MeasurementRun:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        found = measurement_rows.load_run(conn, run_id)
    if found is None:
        raise NotFound(f"no measurement run {run_id}", field="run",
                       fix="list the measurement runs to find its number")  # fmt: skip
    return _shown(found)


def _shown(r: MeasurementRun) -> MeasurementRun:
    """A run as anyone signed in may read it, also when it was stored before the rules on
    confidential figures and paths: public figures only, no absolute path."""
    lineage = dict(r.fingerprint)
    lineage["source"] = _relative(str(lineage.get("source", r.source)))
    lineage["tables"] = {
        name: {**entry, "files": [{**f, "path": _relative(str(f["path"]))}
                                  for f in entry["files"]]} if "files" in entry else entry
        for name, entry in lineage.get("tables", {}).items()
    }  # fmt: skip
    return dataclasses.replace(
        r, source=_relative(r.source), fingerprint=lineage, summary=public_summary(r.summary)
    )


def _relative(shown: str) -> str:
    return source_label(shown) if Path(shown).is_absolute() or "://" in shown else shown


def run_detail(ctx: Context, run_id: int, partner: str) -> dict[str, Any]:
    """Line-level detail of one partner's lines: confidential to that partner."""
    code = partner.strip().upper()
    ctx.allow(Action.read_confidential, partner=code)
    run(ctx, run_id)
    with ctx.reading() as conn:
        detail = measurement_rows.load_detail(conn, run_id, code)
    return detail or {"double_claimed_lines": [], "leakage": [], "unmeasurable": {}}
