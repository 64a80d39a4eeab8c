"""Workbooks out: the tracker template, and the store's data in it (xlsx, CSV or JSON).

The data are what the reader may see: a cost-base split's weights (each partner's
confidential cost base) are written only for a reader who may read every sharing partner's
confidential data, as the API's rule for them; anyone else gets the partner codes alone.
The ledger sheet holds the live entries (an entry reversed and its reversal net to zero and
are left out), streamed from the store, never all in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from sqlalchemy import Connection

from synergies.csv_writer import cell as csv_cell
from synergies.domain.allocation import AllocationMethod
from synergies.domain.errors import InvalidInput, PermissionDenied
from synergies.domain.initiatives import Initiative
from synergies.domain.ledger import LedgerEntry
from synergies.domain.partners import ALLIANCE
from synergies.reports.synergy_report import Breakdown, Reconciled
from synergies.serialize import jsonable
from synergies.services import initiatives, reports, structure
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import ledger_rows
from synergies.workbooks import layout
from synergies.workbooks.layout import Choices, Kind, Sheet
from synergies.workbooks.refs import ref_of
from synergies.workbooks.writer import (
    Content,
    Reconciliation,
    Summary,
    YearFigure,
    write_workbook,
)

Rows = Iterable[Sequence[object]]


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


def format_of(path: Path) -> ExportFormat:
    """The format a file's suffix names; refuse any other."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ExportFormat.__members__:
        raise InvalidInput(
            f"{path.name!r} is not a .xlsx, .csv or .json file",
            field="out",
            fix="name the file OUT.xlsx (the workbook), OUT.csv (one sheet) or OUT.json",
        )
    return ExportFormat(suffix)


def sheet_named(name: str) -> Sheet:
    """A data sheet by its name, in any case."""
    for sheet in layout.SHEETS:
        if sheet.name.casefold() == name.strip().casefold():
            return sheet
    raise InvalidInput(
        f"no sheet {name!r}", field="sheet",
        fix=f"use one of: {', '.join(s.name for s in layout.SHEETS)}",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    format: ExportFormat
    rows: dict[str, int]  # data rows per sheet
    not_carried: tuple[str, ...] = layout.NOT_CARRIED  # what the store holds and this lacks


def choice_lists(ctx: Context | None) -> dict[Choices, tuple[str, ...]]:
    """The data validation lists: the fixed ones, and the store's partners and functions."""
    lists = dict(layout.FIXED_CHOICES)
    if ctx is not None:
        # A ledger row's partner, or ALLIANCE: an amount the import splits by the rule.
        lists[Choices.partners] = (*sorted(structure.partners(ctx)), ALLIANCE)
        lists[Choices.functions] = tuple(sorted(structure.functions(ctx)))
    return lists


def write_template(ctx: Context | None, path: Path) -> Written:
    """The empty tracker workbook; with a store, its partners and functions in the lists."""
    _require(path, ExportFormat.xlsx)
    counts = write_workbook(path, Content(choice_lists(ctx)))
    return Written(path, ExportFormat.xlsx, counts)


def _require(path: Path, wanted: ExportFormat) -> None:
    if format_of(path) is not wanted:
        raise InvalidInput(
            f"{path.name!r} is not a .{wanted.value} file", field="out",
            fix=f"name the file OUT.{wanted.value}",
        )  # fmt: skip


def export(
    ctx: Context, path: Path, *, year: int | None = None, sheet: str = layout.LEDGER.name
) -> Written:
    """The store's data written to `path` in the format its suffix names: the workbook
    (.xlsx, with the Summary for `year`), one sheet as CSV (.csv, the ledger unless `sheet`
    says), or every sheet as JSON (.json: {sheet: [{field: value}]})."""
    ctx.allow(Action.read)
    fmt = format_of(path)
    chosen = sheet_named(sheet)
    with _data(ctx) as rows:
        if fmt is ExportFormat.xlsx:
            content = Content(choice_lists(ctx), rows, _summary(ctx, year))
            counts = write_workbook(path, content)
        elif fmt is ExportFormat.csv:
            counts = {chosen.name: write_csv(path, chosen, rows[chosen.name])}
        else:
            counts = write_json(path, rows)
    return Written(path, fmt, counts)


@contextmanager
def _data(ctx: Context) -> Iterator[dict[str, Rows]]:
    """Each data sheet's rows; the ledger's read from one open connection as it is written."""
    with ctx.reading() as conn:
        yield {
            layout.PARTNERS.name: _partners(ctx), layout.FX_RATES.name: _fx_rates(ctx),
            layout.FUNCTIONS.name: _functions(ctx), layout.CONVERGENCE.name: _convergence(ctx),
            layout.PEOPLE.name: _people(ctx), layout.LINES.name: _lines(ctx),
            layout.TARGETS.name: _targets(ctx), layout.INITIATIVES.name: _initiatives(ctx),
            layout.LEDGER.name: _ledger(conn),
        }  # fmt: skip


def _partners(ctx: Context) -> list[tuple[object, ...]]:
    return [
        (p.code, p.name, p.home_currency, p.fiscal_calendar.start_month, p.member)
        for p in sorted(structure.partners(ctx).values(), key=lambda p: p.code)
    ]


def _fx_rates(ctx: Context) -> list[tuple[object, ...]]:
    rates = structure.fx_table(ctx).rates
    return [(m.first_day(), c, rate) for (m, c), rate in sorted(rates.items())]


def _functions(ctx: Context) -> list[tuple[object, ...]]:
    return [(f.code, f.name, f.executive) for f in structure.functions(ctx).values()]


def _convergence(ctx: Context) -> list[tuple[object, ...]]:
    return [
        (f.code, e.stage.value, e.since, e.note or None)
        for f in structure.functions(ctx).values()
        for e in f.history
    ]


def _people(ctx: Context) -> list[tuple[object, ...]]:
    people = structure.org(ctx).people.values()
    return [(p.id, p.name, p.title, p.company, p.function, p.illustrative) for p in people]


def _lines(ctx: Context) -> list[tuple[object, ...]]:
    chart = structure.org(ctx)
    return [
        (line.person, line.manager, line.kind.value)
        for person in chart.people
        for line in chart.managers(person)
    ]


def _targets(ctx: Context) -> list[tuple[object, ...]]:
    return [
        (t.year, t.amount.amount, t.amount.currency, t.function, t.note or None, t.illustrative)
        for t in structure.targets(ctx)
    ]


def _initiatives(ctx: Context) -> list[tuple[object, ...]]:
    return [_initiative(ctx, i) for i in initiatives.list_initiatives(ctx)]


def _initiative(ctx: Context, i: Initiative) -> tuple[object, ...]:
    figures = i.locked_plan or i.forecast
    return (
        i.id, i.name, i.function, i.owner, i.category.value, i.allocation.method.value,
        partners_text(ctx, i), i.stage.value, i.side_status.value if i.side_status else None,
        figures.run_rate.currency if figures else None,
        figures.run_rate.amount if figures else None,
        figures.one_off_costs.amount if figures else None,
        figures.start.first_day() if figures else None,
        figures.ramp_months if figures else None, i.probability, i.agreement, i.illustrative,
    )  # fmt: skip


def partners_text(ctx: Context, i: Initiative) -> str:
    """ "RENAULT=60, NISSAN=40"; a cost-base split's weights only for whoever may read every
    sharing partner's cost base (the rule of `initiatives.allocation_weight`), else the codes."""
    pairs = i.allocation.weights
    if i.allocation.method is AllocationMethod.cost_base and not _may_read_all(ctx, pairs):
        return ", ".join(p for p, _ in pairs)
    return ", ".join(f"{p}={_plain(w)}" for p, w in pairs)


def _may_read_all(ctx: Context, pairs: Sequence[tuple[str, Decimal]]) -> bool:
    try:
        for partner, _ in pairs:
            ctx.allow(Action.read_confidential, partner=partner)
    except PermissionDenied:
        return False
    return True


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ledger(conn: Connection) -> Iterator[tuple[object, ...]]:
    for entry, key in ledger_rows.live_entries_with_keys(conn):
        yield _entry(entry, key)


def _entry(e: LedgerEntry, key: str | None) -> tuple[object, ...]:
    return (
        ref_of(e.id or 0, key), e.partner, e.period.first_day(), e.amount.amount,
        e.amount.currency, e.category.value, e.initiative_id, e.function, e.reason or None,
        e.illustrative, e.source.value, e.lineage,
    )  # fmt: skip


def _summary(ctx: Context, year: int | None) -> Summary:
    report = reports.synergy_report(ctx, year=year)
    years = [
        YearFigure(y.label, y.realized.amount, y.target.amount if y.target else None,
                   y.one_off_costs.amount, _reconciled(y.reconciled))
        for y in report.years
    ]  # fmt: skip
    by_function = [(b.key, b.realized.amount) for b in report.breakdown]
    by_initiative = (
        reports.synergy_report(ctx, year=report.breakdown_year, by=Breakdown.initiative).breakdown
        if report.breakdown_year is not None
        else []
    )
    measured = [
        (b.key, _reconciled(b.reconciled))
        for b in by_initiative
        if b.reconciled.measured.amount or b.reconciled.declared_confirmed.amount
    ]
    return Summary(
        report.currency,
        report.calendar,
        years,
        report.breakdown_year,
        by_function,
        report.rates_note,
        measured,
    )


def _reconciled(r: Reconciled) -> Reconciliation:
    return Reconciliation(r.measured.amount, r.declared_confirmed.amount, r.declared_only.amount)


def flat_value(kind: Kind, value: object) -> object:
    """A cell's value in CSV or JSON: a month as YYYY-MM, a flag as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind is Kind.month and isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    return value


def write_csv(path: Path, sheet: Sheet, rows: Rows) -> int:
    """One sheet as CSV, header first; text a spreadsheet would run is defused."""
    kinds = [c.kind for c in sheet.columns]
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_cell(h) for h in sheet.headers])
        for row in rows:
            writer.writerow([csv_cell(flat_value(k, v)) for k, v in zip(kinds, row, strict=True)])
            count += 1
    return count


def write_json(path: Path, rows: dict[str, Rows]) -> dict[str, int]:
    """{sheet: [{field: value}]}, amounts as exact decimal strings, streamed row by row."""
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as out:
        out.write("{")
        for n, sheet in enumerate(layout.SHEETS):
            out.write(("," if n else "") + f"\n{json.dumps(sheet.name)}: [")
            counts[sheet.name] = _json_rows(out, sheet, rows.get(sheet.name, ()))
            out.write("]")
        out.write("\n}\n")
    return counts


def _json_rows(out: TextIO, sheet: Sheet, rows: Rows) -> int:
    columns = sheet.columns
    count = 0
    for count, row in enumerate(rows, 1):
        record = {
            c.field: jsonable(flat_value(c.kind, v)) for c, v in zip(columns, row, strict=True)
        }
        out.write(("," if count > 1 else "") + "\n  " + json.dumps(record, ensure_ascii=False))
    return count
