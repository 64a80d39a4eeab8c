"""The tracker workbook out: the template, or the template filled with the store's data.

openpyxl (write-only mode) writes the frame: the Instructions sheet, the Summary with its
native charts, each data sheet's header row (bold, frozen, filtered, commented with the
column's help), column widths, data validation lists on a hidden Lists sheet. The data rows
are then streamed into each sheet as SpreadsheetML (sheet_xml.py), so that a million ledger
rows neither sit in memory nor take minutes.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from synergies.domain.money import MINOR_UNITS
from synergies.workbooks import layout
from synergies.workbooks.layout import Choices, Kind, Sheet
from synergies.workbooks.sheet_xml import (
    RowWriter,
    Styles,
    clean_text,
    column_letter,
    is_formula_like,
)

MAX_ROW = 1_048_576
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
KIND_FORMATS = {
    Kind.amount: AMOUNT_FORMAT, Kind.date: DATE_FORMAT, Kind.month: MONTH_FORMAT,
    Kind.integer: "0", Kind.fraction: "0.00##",
}  # fmt: skip
RULES = (
    "Stages move only through the gates: a row cannot skip a gate or a sign-off; an import "
    "takes an initiative as far as its gates allow and says so.",
    "Ledger rows are never edited in the store: a changed row reverses the entry it names "
    "and is recorded anew. Keep each row's Ref as it is: it is how the import finds the row.",
    "Amounts are numbers, never text: no thousands separators, no currency signs (the "
    "currency has its own column). Dates are date cells or YYYY-MM-DD text.",
    "Choice columns take one value of their list (the drop-down); partners and functions "
    "come from the store and the workbook's own Partners and Functions sheets.",
    "The Summary sheet is written by the export for reading only; an import ignores it.",
)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Declared against measured (the counting rule: the measured figure counts)."""

    measured: Decimal
    declared_confirmed: Decimal  # declared for the cells measured: kept, not counted
    declared_only: Decimal  # declared where nothing is measured: counted

    @property
    def difference(self) -> Decimal:
        return self.measured - self.declared_confirmed


@dataclass(frozen=True, slots=True)
class YearFigure:
    label: str
    realized: Decimal
    target: Decimal | None
    one_off_costs: Decimal
    reconciled: Reconciliation


@dataclass(frozen=True, slots=True)
class Summary:
    """The report's figures the Summary sheet shows."""

    currency: str
    calendar: str
    years: list[YearFigure]
    year: int | None  # the breakdown's year
    by_function: list[tuple[str, Decimal]]
    note: str
    measured: list[tuple[str, Reconciliation]]  # initiatives of `year` with measured evidence


@dataclass
class Content:
    """What a workbook holds: the choice lists, each data sheet's rows, the summary."""

    lists: Mapping[Choices, Sequence[str]]
    rows: Mapping[str, Iterable[Sequence[object]]] = field(default_factory=dict)
    summary: Summary | None = None


def write_workbook(path: Path, content: Content) -> dict[str, int]:
    """Write the workbook to `path`; return how many data rows each sheet got."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    _instructions(book)
    if content.summary is not None:
        _summary(book, content.summary)
    frames = {sheet.name: _data_sheet(book, sheet, content.lists) for sheet in layout.SHEETS}
    _lists(book, content.lists)
    styles = _styles(frames[layout.LEDGER.name])
    frame = path.with_name(f".{path.name}.frame")
    try:
        book.save(frame)
        paths = {name: ws.path.lstrip("/") for name, ws in frames.items()}
        return _splice(frame, path, paths, content.rows, styles)
    finally:
        frame.unlink(missing_ok=True)


def _text(ws: Any, value: str, *, bold: bool = False) -> Any:
    """A cell holding `value` as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    cell = WriteOnlyCell(ws, clean_text(value))
    if cell.data_type == "f" or is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _number(ws: Any, value: Decimal | int | str | None, number_format: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.number_format = number_format
    return cell


def _instructions(book: Any) -> None:
    ws = book.create_sheet(layout.INSTRUCTIONS)
    for letter, width in zip("ABCDE", (22, 24, 10, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([_text(ws, "Synergy tracker workbook", bold=True)])
    ws.append([_text(ws, "One sheet per kind of record; row 1 is the header, one row per "
                         "record below it. Hover a header for its help.")])  # fmt: skip
    ws.append([])
    ws.append([_text(ws, "Rules", bold=True)])
    for rule in RULES:
        ws.append([_text(ws, "-"), None, None, None, _text(ws, rule)])
    ws.append([])
    ws.append([_text(ws, "Not in a workbook (kept by the store only)", bold=True)])
    for missing in layout.NOT_CARRIED:
        ws.append([_text(ws, "-"), None, None, None, _text(ws, missing)])
    ws.append([])
    ws.append([_text(ws, h, bold=True) for h in ("Sheet", "Column", "Kind", "Required", "Help")])
    for sheet in layout.SHEETS:
        ws.append([_text(ws, sheet.name, bold=True), None, None, None, _text(ws, sheet.help)])
        for column in sheet.columns:
            ws.append([
                None, _text(ws, column.header), _text(ws, column.kind.value),
                _text(ws, "yes" if column.required else ""), _text(ws, _help(column)),
            ])  # fmt: skip


def _help(column: layout.Column) -> str:
    listed = f" One of the {column.choices.value} list." if column.choices else ""
    return column.help + listed


def _summary(book: Any, summary: Summary) -> None:
    ws = book.create_sheet(layout.SUMMARY)
    for letter, width in zip("ABCDEFGHIJ", (24, 18, 18, 18, 4, 20, 4, 18, 18, 20), strict=True):
        ws.column_dimensions[letter].width = width
    money = _money_format(summary.currency)
    ws.append([_text(ws, f"Realized synergies by year against the targets ({summary.currency}, "
                         f"{summary.calendar})", bold=True)])  # fmt: skip
    ws.append([_text(ws, summary.note)])
    ws.append([])
    top = 4
    ws.append(
        [_text(ws, h, bold=True) for h in ("Year", "Realized", "Target", "One-off costs")]
        + [None, _text(ws, "Report's figure", bold=True), None]
        + [_text(ws, h, bold=True) for h in RECONCILED]
    )
    for line in summary.years:
        ws.append(
            [
                _text(ws, line.label),
                _number(ws, line.realized, money),
                _number(ws, line.target, money),
                _number(ws, line.one_off_costs, money),
                None,
                None,
                None,
                *_reconciled(ws, line.reconciled, money),
            ]
        )
    last = top + len(summary.years)
    total = sum((y.realized for y in summary.years), Decimal(0))
    ws.append([_text(ws, "Total", bold=True)]
              + [_number(ws, f"=SUM({c}{top + 1}:{c}{max(last, top + 1)})", money) for c in "BCD"]
              + [None, _number(ws, total, money)])  # fmt: skip
    if summary.years:
        _year_chart(ws, summary, top, last)
    ws.append([])
    start = last + 3
    year = summary.year if summary.year is not None else ""
    ws.append([_text(ws, f"By function, {year}", bold=True), _text(ws, "Realized", bold=True),
               _text(ws, "Share", bold=True)])  # fmt: skip
    whole = sum((v for _, v in summary.by_function), Decimal(0))
    for key, realized in summary.by_function:
        share = (realized / whole).quantize(Decimal("0.0001")) if whole else Decimal(0)
        ws.append([_text(ws, key), _number(ws, realized, money), _number(ws, share, "0.0%")])
    end = start + len(summary.by_function)
    ws.append([_text(ws, "Total", bold=True),
               _number(ws, f"=SUM(B{start + 1}:B{max(end, start + 1)})", money), None, None,
               None, _number(ws, whole, money)])  # fmt: skip
    if summary.by_function:
        _function_chart(ws, summary, start, end)
    _measured(ws, summary, money)


# Beside each year and measured initiative: declared against measured (counting rule).
RECONCILED = ("Measured", "Declared only", "Measured - declared, same cells")


def _reconciled(ws: Any, r: Reconciliation, money: str) -> list[Any]:
    return [
        _number(ws, r.measured, money),
        _number(ws, r.declared_only, money),
        _number(ws, r.difference, money),
    ]


def _measured(ws: Any, summary: Summary, money: str) -> None:
    """The breakdown year's initiatives a measurement stands for, at least in part."""
    ws.append([])
    ws.append(
        [_text(ws, f"Declared and measured by initiative, {summary.year or ''}", bold=True)]
        + [None] * 6
        + [_text(ws, h, bold=True) for h in RECONCILED]
    )
    if not summary.measured:
        ws.append([_text(ws, "nothing measured that year: every figure is declared")])
    for key, r in summary.measured:
        ws.append([_text(ws, key)] + [None] * 6 + _reconciled(ws, r, money))
    ws.append(
        [
            _text(
                ws,
                "Where a measurement stands for an initiative, partner, month and "
                "value class, the measured figure counts and the declared one is "
                "kept, not added.",
            )
        ]
    )


def _year_chart(ws: Any, summary: Summary, top: int, last: int) -> None:
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

    chart = BarChart()
    chart.title = f"Burn-up: realized against target ({summary.currency})"
    chart.y_axis.title = summary.currency
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=top, max_row=last),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    chart.width, chart.height = 22, 9
    ws.add_chart(chart, "H4")


def _function_chart(ws: Any, summary: Summary, start: int, end: int) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = f"By function, {summary.year} ({summary.currency})"
    chart.add_data(Reference(ws, min_col=2, min_row=start, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=end))
    chart.width, chart.height = 22, 9
    chart.legend = None
    ws.add_chart(chart, "H24")


def _data_sheet(book: Any, sheet: Sheet, lists: Mapping[Choices, Sequence[str]]) -> Any:
    from openpyxl.comments import Comment  # type: ignore[import-untyped]

    ws = book.create_sheet(sheet.name)
    last = column_letter(len(sheet.columns))
    for n, column in enumerate(sheet.columns, 1):
        dimension = ws.column_dimensions[column_letter(n)]
        dimension.width = column.width
        if column.kind in KIND_FORMATS:  # what a cell typed into the column shows as
            dimension.number_format = KIND_FORMATS[column.kind]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}1"
    header = []
    for column in sheet.columns:
        cell = _text(ws, column.header, bold=True)
        note = Comment(_help(column) + (" Required." if column.required else ""), "synergies")
        note.width, note.height = 240, 80
        cell.comment = note
        header.append(cell)
    ws.append(header)
    for n, column in enumerate(sheet.columns, 1):
        if column.choices is not None:
            cells = f"{column_letter(n)}2:{column_letter(n)}{MAX_ROW}"
            _validate(ws, cells, column, column.choices, lists)
    return ws


def _validate(
    ws: Any, cells: str, column: layout.Column, choices: Choices,
    lists: Mapping[Choices, Sequence[str]],
) -> None:  # fmt: skip
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    order = list(Choices)
    values = lists.get(choices, ())
    if values:
        letter = column_letter(order.index(choices) + 1)
        source = f"{layout.LISTS}!${letter}$2:${letter}${len(values) + 1}"
    else:  # no store: the workbook's own Partners or Functions codes
        own = layout.PARTNERS if choices is Choices.partners else layout.FUNCTIONS
        source = f"'{own.name}'!$A$2:$A$10000"
    rule = DataValidation(
        type="list", formula1=source, allow_blank=True, showErrorMessage=True,
        errorTitle=f"Not a known {column.header.lower()}",
        error=f"{column.header}: pick one of the list ({column.help})",
    )  # fmt: skip
    rule.add(cells)
    ws.data_validations.append(rule)


def _lists(book: Any, lists: Mapping[Choices, Sequence[str]]) -> None:
    ws = book.create_sheet(layout.LISTS)
    ws.sheet_state = "hidden"
    order = list(Choices)
    ws.append([_text(ws, c.value, bold=True) for c in order])
    longest = max((len(lists.get(c, ())) for c in order), default=0)
    for n in range(longest):
        row = [lists.get(c, ())[n] if n < len(lists.get(c, ())) else None for c in order]
        ws.append([_text(ws, v) if v is not None else None for v in row])


def _money_format(currency: str) -> str:
    places = MINOR_UNITS.get(currency, 2)
    digits = "0." + "0" * places if places else "0"
    return f'#,##{digits} "{currency}"'


def _styles(ws: Any) -> Styles:
    """Register the cell styles the streamed rows use; their ids."""
    from openpyxl.cell import WriteOnlyCell

    def style(number_format: str, quoted: bool = False) -> int:
        cell = WriteOnlyCell(ws)
        cell.number_format = number_format
        if quoted:
            cell.quotePrefix = True
        return int(cell.style_id)

    return Styles(
        quoted=style("General", quoted=True), date=style(DATE_FORMAT), month=style(MONTH_FORMAT),
        integer=style("0"), fraction=style("0.00##"), rate=style("#,##0.0000##"),
        amount=style(AMOUNT_FORMAT),
        amounts={c: style(_money_format(c)) for c in MINOR_UNITS},
    )  # fmt: skip


_DIMENSION = re.compile(rb"<dimension [^>]*/>")
_CHUNK = 2_000


def _splice(
    frame: Path, path: Path, paths: Mapping[str, str],
    rows: Mapping[str, Iterable[Sequence[object]]], styles: Styles,
) -> dict[str, int]:  # fmt: skip
    """Copy the frame's parts to `path`, each data sheet with its rows streamed in; the
    workbook part last, its filter ranges set to the rows written."""
    counts: dict[str, int] = {}
    by_path = {p: name for name, p in paths.items()}
    partial = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(frame) as source, zipfile.ZipFile(
        partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1
    ) as out:  # fmt: skip
        for info in source.infolist():
            if info.filename == "xl/workbook.xml":
                continue
            data = source.read(info.filename)
            name = by_path.get(info.filename)
            if name is None:
                out.writestr(info.filename, data)
                continue
            counts[name] = _sheet(out, info.filename, data, layout.sheet(name),
                                  rows.get(name, ()), styles)  # fmt: skip
        out.writestr("xl/workbook.xml", _filters(source.read("xl/workbook.xml"), counts))
    shutil.move(partial, path)
    return counts


def _sheet(
    out: zipfile.ZipFile, part: str, data: bytes, sheet: Sheet,
    rows: Iterable[Sequence[object]], styles: Styles,
) -> int:  # fmt: skip
    head, tail = data.split(b"</sheetData>", 1)
    head = _DIMENSION.sub(b"", head, count=1)
    last = column_letter(len(sheet.columns))
    written = 0
    with out.open(part, "w", force_zip64=True) as stream:
        stream.write(head)
        batch: list[str] = []
        for row in RowWriter(sheet, styles).rows(rows):
            batch.append(row)
            if len(batch) == _CHUNK:
                stream.write("".join(batch).encode())
                written += len(batch)
                batch.clear()
        stream.write("".join(batch).encode())
        written += len(batch)
        filtered = f'<autoFilter ref="A1:{last}{written + 1}"'.encode()
        stream.write(b"</sheetData>" + tail.replace(f'<autoFilter ref="A1:{last}1"'.encode(),
                                                    filtered, 1))  # fmt: skip
    return written


def _filters(workbook: bytes, counts: Mapping[str, int]) -> bytes:
    """The hidden filter ranges Excel keeps in the workbook part, to the rows written."""
    for name, count in counts.items():
        last = column_letter(len(layout.sheet(name).columns))
        old = f"!$A$1:${last}$1<".encode()
        quoted = f"'{name}'".encode()  # openpyxl quotes every sheet name there
        workbook = workbook.replace(quoted + old, quoted + f"!$A$1:${last}${count + 1}<".encode())
    return workbook
