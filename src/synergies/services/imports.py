"""Import a tracker workbook: check everything first, then apply it all or nothing.

Every change goes through the service that owns it (gates, rights, audit), inside one
transaction; the import itself is audited with the workbook's name and SHA-256. Importing
the same workbook again changes nothing and records nothing.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import cast

from sqlalchemy import Connection

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import GateRefused, InvalidInput, SynergiesError
from synergies.domain.functions import BusinessFunction, ConvergenceEvent, ConvergenceStage
from synergies.domain.fx import FxRate
from synergies.domain.initiatives import Category, Initiative, PlanFigures, SideStatus, Stage
from synergies.domain.ledger import EntrySource, LedgerEntry, split_entry
from synergies.domain.money import Money, minor_unit
from synergies.domain.org import LineKind, Person, ReportingLine
from synergies.domain.partners import ALLIANCE, Partner
from synergies.domain.targets import Target
from synergies.schemas.imports import LISTED_ABSENT, ImportOutcome, SheetCounts
from synergies.services import initiatives, ledger, structure
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import alliance_rows, initiative_rows, ledger_rows
from synergies.workbooks import layout, refs
from synergies.workbooks.cells import Problem
from synergies.workbooks.layout import Sheet
from synergies.workbooks.reader import open_workbook
from synergies.workbooks.validate import Checked, Known, Row, check_workbook, value

BATCH = 50_000  # ledger rows appended per batch


class WorkbookInvalid(InvalidInput):
    """The workbook has problems; nothing was written. `problems` lists every one."""

    def __init__(self, workbook: str, problems: list[Problem]) -> None:
        super().__init__(
            f"{workbook} has {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            "nothing was imported",
            field="workbook",
            fix="correct each cell listed and import the workbook again",
        )
        self.problems = problems


class _DryRun(Exception):
    def __init__(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_workbook(
    ctx: Context, path: Path, *, name: str | None = None, dry_run: bool = False
) -> ImportOutcome:
    """Check the workbook, then apply it in one transaction (or, dry, plan and roll back)."""
    ctx.allow(Action.manage_structure)
    with _bulk():
        return _import(ctx, path, name or path.name, dry_run)


@contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while a workbook's millions of rows are read: each pass
    would walk every row kept so far (a million-row import took 11% longer). Reference
    counting still frees what is dropped; the collector runs again at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(ctx: Context, path: Path, name: str, dry_run: bool) -> ImportOutcome:
    opened = open_workbook(path)
    try:
        with ctx.reading() as conn:
            known = _known(conn)
        checked = check_workbook(opened, known)
    finally:
        opened.close()
    if checked.problems:
        raise WorkbookInvalid(name, checked.problems)
    digest = sha256_of(path)
    try:
        return _apply(ctx, checked, name, digest, dry_run)
    except _DryRun as dry:
        return dry.outcome


def _known(conn: Connection) -> Known:
    return Known(
        set(alliance_rows.load_partners(conn)), set(alliance_rows.load_functions(conn)),
        {i.id for i in initiative_rows.load_initiatives(conn)},
    )  # fmt: skip


@dataclass
class _Run:
    ctx: Context
    conn: Connection
    checked: Checked
    label: str
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    initiatives: dict[str, Initiative] = field(default_factory=dict)  # as the ledger step read

    @cached_property
    def clock_now(self) -> datetime:
        """When the import records its entries: one moment for the whole workbook."""
        return self.ctx.clock()

    def count(self, sheet: Sheet, what: str, n: int = 1) -> None:
        counts = self.counts.setdefault(sheet.name, SheetCounts(sheet=sheet.name))
        setattr(counts, what, getattr(counts, what) + n)

    def rows(self, sheet: Sheet) -> list[Row]:
        return self.checked.rows.get(sheet.name, [])

    def problem(self, sheet: Sheet, row: Row, column: str | None, found: object, message: str,
                fix: str) -> None:  # fmt: skip
        shown = "" if found is None else str(found)
        where = self.checked.where(sheet, column)
        self.problems.append(Problem(sheet.name, row.number, where, shown, message, fix))


def _apply(ctx: Context, checked: Checked, name: str, digest: str, dry_run: bool) -> ImportOutcome:
    label = f"workbook {name} sha256:{digest}"
    with ctx.transaction() as conn:
        run = _Run(ctx, conn, checked, label)
        for step in STEPS:
            step(run)
        if run.problems:
            raise WorkbookInvalid(name, run.problems)
        outcome = ImportOutcome(
            workbook=name, sha256=digest, dry_run=dry_run,
            sheets=[run.counts.get(s.name, SheetCounts(sheet=s.name)) for s in layout.SHEETS
                    if s.name in checked.rows],
            notes=checked.notes + run.notes, not_in_workbook=run.absent[:LISTED_ABSENT],
            not_in_workbook_count=len(run.absent),
        )  # fmt: skip
        changed = any(c.added or c.updated or c.reversed for c in outcome.sheets)
        if changed:
            ctx.audit(conn, "workbook.import", f"workbook/{digest}", after={
                "workbook": name, "sha256": digest,
                "sheets": [c.model_dump() for c in outcome.sheets],
            })  # fmt: skip
        if dry_run:
            raise _DryRun(outcome)
    return outcome


def _guarded(run: _Run, sheet: Sheet, row: Row, action: object) -> bool:
    """Run a service call for a row; a refusal becomes the row's problem."""
    try:
        action()  # type: ignore[operator]
    except GateRefused:
        raise
    except SynergiesError as refused:
        run.problem(sheet, row, refused.field, None, refused.message, refused.fix or "")
        return False
    return True


def _differs(run: _Run, sheet: Sheet, row: Row, what: str) -> None:
    run.problem(
        sheet, row, None, None, f"{what} is in the store with other details",
        "the import adds what is missing but changes no stored " + sheet.name.lower()
        + "; make the row match the store (see `synergies export`), or remove it",
    )  # fmt: skip


# --- structure -------------------------------------------------------------------------


def _illustrative(sheet: Sheet, row: Row) -> bool:
    """A row marked as invented stays marked: an example's figures never come back real."""
    return value(sheet, row, "illustrative") == "yes"


def _partners(run: _Run) -> None:
    sheet = layout.PARTNERS
    stored = alliance_rows.load_partners(run.conn)
    for row in run.rows(sheet):

        def v(f: str, row: Row = row) -> object:
            return value(sheet, row, f)

        try:
            partner = Partner.create(
                str(v("code")), str(v("name")), str(v("currency")),
                cast(int, v("fiscal_start") or 1), v("member") != "no",
            )  # fmt: skip
        except SynergiesError as refused:
            run.problem(sheet, row, refused.field, v("code"), refused.message, refused.fix or "")
            continue
        _add_or_compare(run, sheet, row, stored.get(partner.code), partner,
                        lambda p=partner: structure.add_partner(run.ctx, p))  # fmt: skip


def _add_or_compare(
    run: _Run, sheet: Sheet, row: Row, existing: object, made: object, add: object
) -> None:
    if existing is None:
        if _guarded(run, sheet, row, add):
            run.count(sheet, "added")
    elif existing == made:
        run.count(sheet, "unchanged")
    else:
        _differs(run, sheet, row, f"{sheet.name[:-1] if sheet.name.endswith('s') else sheet.name} "
                 f"{value(sheet, row, sheet.identity[0])}")  # fmt: skip


def _fx_rates(run: _Run) -> None:
    sheet = layout.FX_RATES
    stored = alliance_rows.load_fx(run.conn).rates
    fresh: list[FxRate] = []
    for row in run.rows(sheet):
        rate = FxRate(value(sheet, row, "month"), str(value(sheet, row, "currency")),  # type: ignore[arg-type]
                      value(sheet, row, "per_eur"))  # type: ignore[arg-type]  # fmt: skip
        have = stored.get((rate.month, rate.currency))
        if have is None:
            fresh.append(rate)
        elif _rate_of(have) == rate.per_eur:
            run.count(sheet, "unchanged")
        else:
            _differs(run, sheet, row, f"the {rate.currency} rate for {rate.month}")
    if fresh and _guarded(run, sheet, run.rows(sheet)[0],
                          lambda: structure.add_fx_rates(run.ctx, fresh, run.label)):  # fmt: skip
        run.count(sheet, "added", len(fresh))


def _rate_of(stored: object) -> Decimal | None:
    return getattr(stored, "per_eur", stored if isinstance(stored, Decimal) else None)


def _functions(run: _Run) -> None:
    sheet = layout.FUNCTIONS
    stored = alliance_rows.load_functions(run.conn)
    history = _histories(run)
    for row in run.rows(sheet):
        code = str(value(sheet, row, "code"))
        executive = value(sheet, row, "executive")
        made = BusinessFunction(
            code, str(value(sheet, row, "name")),
            history.get(code, stored[code].history if code in stored else ()),
            str(executive) if executive else None,
        )  # fmt: skip
        added = code not in stored
        _add_or_compare(run, sheet, row, stored.get(code), made,
                        lambda f=made: structure.add_function(run.ctx, f))  # fmt: skip
        run.count(layout.CONVERGENCE, "added" if added else "unchanged", len(history.pop(code, ())))
    _stored_histories(run, stored, history)


def _stored_histories(
    run: _Run, stored: dict[str, BusinessFunction], history: dict[str, tuple[ConvergenceEvent, ...]]
) -> None:
    """Convergence rows of functions the Functions sheet leaves out: the store's, unchanged."""
    sheet = layout.CONVERGENCE
    for code, events in history.items():
        if code in stored and stored[code].history == events:
            run.count(sheet, "unchanged", len(events))
            continue
        (first,) = [r for r in run.rows(sheet) if value(sheet, r, "function") == code][:1]
        _differs(run, sheet, first, f"the convergence history of {code}")


def _histories(run: _Run) -> dict[str, tuple[ConvergenceEvent, ...]]:
    sheet = layout.CONVERGENCE
    events: dict[str, list[ConvergenceEvent]] = {}
    for row in run.rows(sheet):
        event = ConvergenceEvent(
            ConvergenceStage(str(value(sheet, row, "stage"))),
            value(sheet, row, "since"),  # type: ignore[arg-type]
            str(value(sheet, row, "note") or ""),
        )
        events.setdefault(str(value(sheet, row, "function")), []).append(event)
    return {f: tuple(sorted(e, key=lambda x: x.since)) for f, e in events.items()}


def _people(run: _Run) -> None:
    sheet = layout.PEOPLE
    chart = alliance_rows.load_org(run.conn)
    for row in run.rows(sheet):
        function = value(sheet, row, "function")
        made = Person(
            str(value(sheet, row, "id")), str(value(sheet, row, "name")),
            str(value(sheet, row, "title")), str(value(sheet, row, "company")),
            str(function) if function else None, _illustrative(sheet, row),
        )  # fmt: skip
        existing = chart.people.get(made.id)
        if existing is not None:
            made = Person(made.id, made.name, made.title, made.company, made.function,
                          existing.illustrative)  # fmt: skip
        _add_or_compare(run, sheet, row, existing, made,
                        lambda p=made: structure.add_person(run.ctx, p))  # fmt: skip


def _lines(run: _Run) -> None:
    sheet = layout.LINES
    chart = alliance_rows.load_org(run.conn)
    for row in run.rows(sheet):
        kind = value(sheet, row, "kind")
        line = ReportingLine(str(value(sheet, row, "person")), str(value(sheet, row, "manager")),
                             LineKind(str(kind)) if kind else LineKind.solid)  # fmt: skip
        existing = next((ln for ln in chart.managers(line.person) if ln.manager == line.manager),
                        None)  # fmt: skip
        _add_or_compare(run, sheet, row, existing, line,
                        lambda ln=line: structure.add_reporting_line(run.ctx, ln))  # fmt: skip


def _targets(run: _Run) -> None:
    sheet = layout.TARGETS
    stored = {(t.year, t.function): t for t in alliance_rows.load_targets(run.conn)}
    for row in run.rows(sheet):
        function = value(sheet, row, "function")
        made = Target(
            int(value(sheet, row, "year")),  # type: ignore[call-overload]
            Money(value(sheet, row, "amount"), str(value(sheet, row, "currency"))),  # type: ignore[arg-type]
            str(function) if function else None,
            str(value(sheet, row, "note") or ""),
            _illustrative(sheet, row),
        )
        existing = stored.get((made.year, made.function))
        same = existing is not None and existing.amount == made.amount
        _add_or_compare(run, sheet, row, existing if not same else made if existing else None,
                        made, lambda t=made: structure.add_target(run.ctx, t))  # fmt: skip


# --- initiatives ---------------------------------------------------------------------------


def _initiatives(run: _Run) -> None:
    sheet = layout.INITIATIVES
    stored = {i.id: i for i in initiative_rows.load_initiatives(run.conn)}
    fresh: list[tuple[Row, Initiative]] = []
    for row in run.rows(sheet):
        made = _initiative_of(run, sheet, row)
        if made is None:
            continue
        current = stored.get(made.id)
        if current is None:
            fresh.append((row, made))
        elif _follow(run, sheet, row, made, stored_stage=current):
            run.count(sheet, "updated")
        else:
            run.count(sheet, "unchanged")
    created = _create_all(run, sheet, fresh)
    _advance_all(run, sheet, created)
    for row, made in created:
        run.count(sheet, "added")
        _set_status_and_probability(run, sheet, row, made)


def _create_all(
    run: _Run, sheet: Sheet, fresh: list[tuple[Row, Initiative]]
) -> list[tuple[Row, Initiative]]:
    """New initiatives in one batch; if the batch is refused, one by one, so that every
    refused row is named."""
    try:
        with run.conn.begin_nested():
            initiatives.create_many(run.ctx, [made for _, made in fresh])
        return fresh
    except SynergiesError:
        pass
    return [(row, made) for row, made in fresh
            if _guarded(run, sheet, row, lambda m=made: initiatives.create(run.ctx, m))]  # fmt: skip


def _advance_all(run: _Run, sheet: Sheet, created: list[tuple[Row, Initiative]]) -> None:
    """New initiatives through the gates one stage at a time, all of a stage in one batch;
    each as far as its gates allow (held: a note)."""
    wanted = {made.id: (row, Stage(str(value(sheet, row, "stage")))) for row, made in created}
    at = {made.id: made.stage for _, made in created}
    while moves := [(i, Stage(f"L{at[i].rank + 1}")) for i, (_, w) in wanted.items()
                    if at[i].rank < w.rank]:  # fmt: skip
        moved, refused = initiatives.advance_many(run.ctx, moves)
        for initiative in moved:
            at[initiative.id] = initiative.stage
        for initiative_id, refusal in refused.items():
            row, goal = wanted.pop(initiative_id)
            _held(run, sheet, row, initiative_id, at[initiative_id], goal, refusal)


def _held(run: _Run, sheet: Sheet, row: Row, initiative_id: str, stage: Stage, wanted: Stage,
          refusal: SynergiesError) -> None:  # fmt: skip
    target = Stage(f"L{stage.rank + 1}")
    if isinstance(refusal, GateRefused):
        run.notes.append(
            f"{initiative_id} held at {stage} (the workbook says {wanted}): {target} needs "
            + "; ".join(refusal.reasons or (refusal.message,))
        )
    else:
        run.problem(sheet, row, "Stage", wanted.value, refusal.message, refusal.fix or "")


def _set_status_and_probability(run: _Run, sheet: Sheet, row: Row, made: Initiative) -> None:
    status_text = value(sheet, row, "status")
    if status_text:
        status = SideStatus(str(status_text))
        _guarded(run, sheet, row, lambda: initiatives.set_status(run.ctx, made.id, status))
    probability = value(sheet, row, "probability")
    if probability is not None:
        _guarded(run, sheet, row, lambda: initiatives.set_probability(
            run.ctx, made.id, probability))  # type: ignore[arg-type]  # fmt: skip


def _initiative_of(run: _Run, sheet: Sheet, row: Row) -> Initiative | None:
    def v(f: str) -> object:
        return value(sheet, row, f)

    try:
        allocation = AllocationRule(AllocationMethod(str(v("method"))), v("partners"))  # type: ignore[arg-type]
    except SynergiesError as refused:
        run.problem(sheet, row, "Partners", v("partners"), refused.message, refused.fix or "")
        return None
    figures = _figures(run, sheet, row)
    return Initiative(
        id=str(v("id")), name=str(v("name")), function=str(v("function")), owner=str(v("owner")),
        category=Category(str(v("category"))), allocation=allocation, forecast=figures,
        agreement=str(v("agreement")) if v("agreement") else None,
        illustrative=_illustrative(sheet, row),
    )  # fmt: skip


def _figures(run: _Run, sheet: Sheet, row: Row) -> PlanFigures | None:
    def v(f: str) -> object:
        return value(sheet, row, f)

    if v("run_rate") is None:
        return None
    if v("currency") is None or v("start") is None:
        run.problem(sheet, row, "Currency, Start", None,
                    "a run-rate needs its currency and start month",
                    "fill in Currency and Start, or clear the figures")  # fmt: skip
        return None
    currency = str(v("currency"))
    one_off, start, ramp = v("one_off_costs"), v("start"), v("ramp_months")
    return PlanFigures(
        Money(cast(Decimal, v("run_rate")), currency),
        Money(cast(Decimal, one_off) if one_off is not None else Decimal(0), currency),
        cast(Month, start),
        cast(int, ramp) if ramp is not None else 12,
    )


def _follow(
    run: _Run, sheet: Sheet, row: Row, made: Initiative, stored_stage: Initiative | None
) -> bool:
    """Bring a stored initiative to the row: details, figures, status, probability, stage.
    True if anything changed."""
    current = stored_stage or initiative_rows.load_initiative(run.conn, made.id)
    if stored_stage is not None and _details(current) != _details(made):
        _differs(run, sheet, row, f"initiative {made.id}")
        return False
    changed = False
    if made.forecast is not None and made.forecast != current.forecast:
        changed |= _guarded(run, sheet, row,
                            lambda: initiatives.update_figures(run.ctx, made.id, made.forecast))  # fmt: skip
    status_text = value(sheet, row, "status")
    status = SideStatus(str(status_text)) if status_text else None
    if status is None and current.side_status is not None:
        changed |= _guarded(run, sheet, row, lambda: initiatives.set_status(run.ctx, made.id, None))
    changed |= _advance(run, sheet, row, made.id, Stage(str(value(sheet, row, "stage"))))
    if status is not None and status is not current.side_status:
        changed |= _guarded(run, sheet, row,
                            lambda: initiatives.set_status(run.ctx, made.id, status))  # fmt: skip
    probability = value(sheet, row, "probability")
    if probability is not None and probability != current.probability:
        changed |= _guarded(run, sheet, row, lambda: initiatives.set_probability(
            run.ctx, made.id, probability))  # type: ignore[arg-type]  # fmt: skip
    return changed


def _details(i: Initiative) -> tuple[object, ...]:
    return (i.name, i.function, i.owner, i.category, i.allocation, i.agreement)


def _advance(run: _Run, sheet: Sheet, row: Row, initiative_id: str, wanted: Stage) -> bool:
    """Through the gates one stage at a time, as far as they allow; held: a note."""
    stage = initiative_rows.load_initiative(run.conn, initiative_id).stage
    if wanted.rank < stage.rank:
        run.problem(sheet, row, "Stage", wanted.value,
                    f"{initiative_id} is at {stage} in the store; stages only move forward",
                    f"write {stage} (or later) in the Stage column")  # fmt: skip
        return False
    moved = False
    while stage.rank < wanted.rank:
        target = Stage(f"L{stage.rank + 1}")
        try:
            initiatives.advance(run.ctx, initiative_id, target)
        except SynergiesError as refusal:
            _held(run, sheet, row, initiative_id, stage, wanted, refusal)
            break
        stage, moved = target, True
    return moved


# --- ledger ----------------------------------------------------------------------------


def _canonical(amount: Decimal, currency: str) -> str:
    """One text per amount: 1000, 1000.0 and 1000.00 EUR read the same."""
    unit = minor_unit(currency)
    exact = amount.quantize(unit) if amount == amount.quantize(unit) else amount.normalize()
    return format(exact, "f")


def _digest(e: LedgerEntry) -> str:
    return refs.content_digest(
        e.partner, e.period, _canonical(e.amount.amount, e.amount.currency), e.amount.currency,
        e.category.value, e.initiative_id, e.function, e.reason,
    )  # fmt: skip


def _live(conn: Connection) -> dict[str, tuple[int, str]]:
    """Each live entry's ref, with its id and content digest: for an entry from a workbook
    both are in its import key; any other is read and digested."""
    found: dict[str, tuple[int, str]] = {}
    for entry_id, key in ledger_rows.live_keys(conn, refs.PREFIX):
        found[refs.ref_of(entry_id, key)] = (entry_id, key.rsplit(":", 1)[1])
    for entry, other in ledger_rows.live_entries_with_keys(conn, except_prefix=refs.PREFIX):
        assert entry.id is not None
        found[refs.ref_of(entry.id, other)] = (entry.id, _digest(entry))
    return found


def _ledger(run: _Run) -> None:
    sheet = layout.LEDGER
    rows = run.rows(sheet)
    if not rows:
        return
    live = _live(run.conn)
    stored = {i.id: i for i in initiative_rows.load_initiatives(run.conn)}
    run.initiatives = stored
    functions = {i.id: i.function for i in stored.values()}
    periods = ledger.periods(run.ctx, run.conn)
    seen: set[str] = set()
    batch: list[LedgerEntry] = []
    keys: list[str] = []
    for row in rows:
        entry = _entry_of(run, sheet, row, functions)
        ref = str(value(sheet, row, "ref"))
        parts = _parts(run, sheet, row, ref, entry, stored, seen)
        for gone in _parts_gone(ref, entry, parts, stored, live):
            _reverse(run, sheet, row, live.pop(gone)[0])
        for part_ref, part in parts:
            digest = _digest(part)
            have = live.get(part_ref)
            if have is not None and have[1] == digest:
                run.count(sheet, "unchanged")
                continue
            if not _in_periods(run, sheet, row, part, periods):
                continue
            if have is not None and not _reverse(run, sheet, row, have[0]):
                continue
            batch.append(part)
            keys.append(refs.import_key(part_ref, digest))
        if len(batch) >= BATCH:
            _append(run, sheet, batch, keys)
            batch, keys = [], []
    _append(run, sheet, batch, keys)
    run.absent = sorted(r for r in live if r not in seen and refs.native_id(r) is None)


def _in_periods(
    run: _Run, sheet: Sheet, row: Row, entry: LedgerEntry, periods: ledger.Periods
) -> bool:
    """A new or changed row is realized: dated from the alliance's month to the current one
    (a row already in the store as it is stays unchanged, whatever its month)."""
    try:
        periods.check(entry.period)
    except InvalidInput as refused:
        run.problem(sheet, row, refused.field, entry.period, refused.message, refused.fix or "")
        return False
    return True


def _reverse(run: _Run, sheet: Sheet, row: Row, entry_id: int) -> bool:
    """Reverse the entry a changed row names; a refusal is the row's problem."""
    reason = f"corrected by {run.label} row {row.number}"
    if not _guarded(run, sheet, row, lambda: ledger.reverse(run.ctx, entry_id, reason)):
        return False
    run.count(sheet, "reversed")
    return True


def _parts(
    run: _Run,
    sheet: Sheet,
    row: Row,
    ref: str,
    entry: LedgerEntry,
    stored: dict[str, Initiative],
    seen: set[str],
) -> list[tuple[str, LedgerEntry]]:
    """The row's entries by ref: the row itself, or, for an amount for the whole alliance,
    one per partner as its initiative's rule splits it (`REF/PARTNER`). Each ref is `seen`."""
    if not _shared(run, sheet, row, entry, stored):
        return []
    if entry.partner == ALLIANCE:
        parts = _split(run, sheet, row, ref, entry, stored)
    else:
        parts = [(ref, entry)]
    for part_ref, _ in parts:
        if part_ref in seen:
            run.problem(
                sheet,
                row,
                "Ref",
                part_ref,
                f"ref {part_ref!r} names two entries",
                "give the row another ref",
            )
            return []
    seen.update(part_ref for part_ref, _ in parts)
    return parts


def _split(
    run: _Run,
    sheet: Sheet,
    row: Row,
    ref: str,
    entry: LedgerEntry,
    stored: dict[str, Initiative],
) -> list[tuple[str, LedgerEntry]]:
    initiative = stored.get(entry.initiative_id or "")
    if initiative is None:
        run.problem(
            sheet,
            row,
            "Initiative",
            None,
            "an amount for the alliance is split by its initiative's allocation rule",
            "name the initiative in the Initiative column",
        )
        return []
    try:
        split = split_entry(entry, initiative.allocation)
    except SynergiesError as refused:
        run.problem(sheet, row, "Partner", entry.partner, refused.message, refused.fix or "")
        return []
    return [(refs.part_ref(ref, part.partner), part) for part in split]


def _parts_gone(
    ref: str,
    entry: LedgerEntry,
    parts: list[tuple[str, LedgerEntry]],
    stored: dict[str, Initiative],
    live: dict[str, tuple[int, str]],
) -> list[str]:
    """Refs of a split row's parts that a changed amount no longer makes (a part of zero)."""
    initiative = stored.get(entry.initiative_id or "")
    if entry.partner != ALLIANCE or initiative is None or not parts:
        return []
    now = {part_ref for part_ref, _ in parts}
    maybe = (refs.part_ref(ref, partner) for partner, _ in initiative.allocation.weights)
    return [r for r in maybe if r in live and r not in now]


def _shared(
    run: _Run, sheet: Sheet, row: Row, entry: LedgerEntry, stored: dict[str, Initiative]
) -> bool:
    """An entry of an initiative belongs to a partner sharing it."""
    if entry.initiative_id is None:
        return True
    initiative = stored.get(entry.initiative_id)
    if initiative is None:
        run.problem(
            sheet, row, "Initiative", entry.initiative_id,
            f"unknown initiative {entry.initiative_id!r}",
            "use the id of an initiative in the store or on the Initiatives sheet",
        )  # fmt: skip
        return False
    if entry.partner in (*initiative.partners(), ALLIANCE):
        return True
    run.problem(
        sheet, row, "Partner", entry.partner, f"{entry.partner} does not share {initiative.id}",
        f"partners sharing it: {', '.join(initiative.partners())}",
    )  # fmt: skip
    return False


_LEDGER_FIELDS = (
    "partner",
    "period",
    "amount",
    "currency",
    "category",
    "initiative",
    "function",
    "reason",
    "illustrative",
    "source",
    "lineage",
)


def _entry_of(run: _Run, sheet: Sheet, row: Row, functions: dict[str, str]) -> LedgerEntry:
    at = _positions(sheet)
    partner, period, amount, currency, category, initiative, function, reason, *provenance = (
        row.values[i] for i in at
    )
    initiative = str(initiative) if initiative else None
    function = str(function) if function else None
    source, lineage = _provenance(run, *provenance[1:])
    return LedgerEntry(
        partner=str(partner), period=period,  # type: ignore[arg-type]
        amount=Money(amount, str(currency)),  # type: ignore[arg-type]
        category=Category(str(category)), source=source,
        author=run.ctx.actor.name, recorded_at=run.clock_now, initiative_id=initiative,
        function=functions.get(initiative, function) if initiative else function,
        reason=str(reason or ""), illustrative=provenance[0] == "yes", lineage=lineage,
    )  # fmt: skip


def _provenance(run: _Run, source: object, lineage: object) -> tuple[EntrySource, str | None]:
    """An entry's source and lineage: as the row gives them (an export's), else this import.

    What an import can claim: where the figure was first recorded from (published, entered,
    imported) and its lineage, as written. Not that it was measured: the measurement run, its
    files and line detail are not in a workbook, so a measured entry comes back as imported,
    its lineage still naming the run (which links to no run of this store). The import itself,
    by the importer at one moment, is what the entry's author and time and the audit trail
    record, with the workbook's name and SHA-256."""
    if source is None:
        return EntrySource.imported, run.label
    given = EntrySource(str(source))
    kept = EntrySource.imported if given is EntrySource.measured else given
    return kept, str(lineage) if lineage else None


_POSITIONS: dict[str, tuple[int, ...]] = {}


def _positions(sheet: Sheet) -> tuple[int, ...]:
    """Where each of _LEDGER_FIELDS sits in a checked row."""
    if sheet.name not in _POSITIONS:
        fields = [c.field for c in sheet.columns]
        _POSITIONS[sheet.name] = tuple(fields.index(f) for f in _LEDGER_FIELDS)
    return _POSITIONS[sheet.name]


def _append(run: _Run, sheet: Sheet, batch: list[LedgerEntry], keys: list[str]) -> None:
    if not batch:
        return
    try:
        done = ledger.add_many(run.ctx, batch, keys, run.label, run.initiatives)
    except SynergiesError as refused:
        run.problems.append(Problem(sheet.name, None, refused.field, "", refused.message,
                                    refused.fix or ""))  # fmt: skip
        return
    run.count(sheet, "added", done.added)
    run.count(sheet, "unchanged", done.already_there)


STEPS = (_partners, _fx_rates, _functions, _people, _lines, _targets, _initiatives, _ledger)
