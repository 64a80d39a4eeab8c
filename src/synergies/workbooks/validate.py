"""Check every sheet of a workbook against the layout and what is known, all problems at once.

A row that passes leaves as a `Row`: its Excel row number and one value per layout column (None
where empty), in the layout's column order. Names a row refers to (partners, functions,
initiatives) are known if the store holds them or the workbook's own sheets define them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from synergies.domain.initiatives import Category
from synergies.domain.partners import ALLIANCE
from synergies.workbooks import layout
from synergies.workbooks.cells import CellRefused, CellValue, Problem, is_empty, read_cell, shown
from synergies.workbooks.layout import Choices, Column, Kind, Sheet
from synergies.workbooks.reader import Markup, Opened, formula_problem, sheet_rows

MAX_LISTED = 12  # known names listed in a fix
_MEMO_KINDS = frozenset(
    {Kind.code, Kind.key, Kind.choice, Kind.month, Kind.date, Kind.text, Kind.amount}
)
# Values remembered per column: a column of repeated values (partners, months, reasons,
# amounts) is read once per value; one of unique values (refs) stops being remembered.
MEMO_PER_COLUMN = 20_000


def get_column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Row(NamedTuple):
    number: int  # the Excel row number
    values: tuple[object, ...]  # one per column of the sheet's layout, None where empty


def value(sheet: Sheet, row: Row, name: str) -> object:
    return row.values[_index(sheet)[name]]


_INDEXES: dict[str, dict[str, int]] = {}


def _index(sheet: Sheet) -> dict[str, int]:
    if sheet.name not in _INDEXES:
        _INDEXES[sheet.name] = {c.field: i for i, c in enumerate(sheet.columns)}
    return _INDEXES[sheet.name]


@dataclass
class Known:
    """The names rows may refer to: the store's, then the workbook's own as they are read."""

    partners: set[str]
    functions: set[str]
    initiatives: set[str]
    # Cells read before, by column and value: a tracker repeats its partners, months and
    # categories on every row. Known only grows, so a value once accepted stays accepted.
    memo: dict[tuple[int, type, object], object] = field(default_factory=dict)
    memo_sizes: dict[int, int] = field(default_factory=dict)  # values remembered per column

    def choices(self, kind: Choices) -> Iterable[str]:
        if kind is Choices.partners:  # a ledger row's: a partner, or the alliance's to split
            return self.partners | {ALLIANCE}
        if kind is Choices.functions:
            return self.functions
        return layout.FIXED_CHOICES[kind]


@dataclass
class Checked:
    """The workbook's rows per sheet, the problems found and the notes to show."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Where each sheet holds each field's column, as problems name it: "D (Amount)".
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def where(self, sheet: Sheet, name: str | None) -> str | None:
        """The column a field or a header names, as the workbook has it; else `name`."""
        found = self.columns.get(sheet.name, {})
        by_header = {sheet.column(f).header: w for f, w in found.items()}
        return found.get(name or "") or by_header.get(name or "") or name


def check_workbook(opened: Opened, known: Known) -> Checked:
    checked = Checked()
    names = {_folded(n): n for n in opened.sheet_names}
    wanted = {_folded(s.name) for s in layout.SHEETS}
    skipped = {_folded(n) for n in (layout.INSTRUCTIONS, layout.SUMMARY, layout.LISTS)}
    for folded, name in names.items():
        if folded not in wanted and folded not in skipped:
            checked.notes.append(f"sheet {name!r} is not one the import reads: ignored")
    for sheet in layout.SHEETS:
        if sheet.imported and _folded(sheet.name) in names:
            rows = _check_sheet(opened, names[_folded(sheet.name)], sheet, known, checked)
            checked.rows[sheet.name] = rows
            _learn(sheet, rows, known)
    return checked


def _folded(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _learn(sheet: Sheet, rows: list[Row], known: Known) -> None:
    into = {"Partners": known.partners, "Functions": known.functions,
            "Initiatives": known.initiatives}.get(sheet.name)  # fmt: skip
    if into is not None:
        key = "id" if sheet.name == "Initiatives" else "code"
        into.update(str(value(sheet, r, key)) for r in rows)


def _check_sheet(
    opened: Opened, name: str, sheet: Sheet, known: Known, checked: Checked
) -> list[Row]:
    raw, markup = sheet_rows(opened, name)
    for merged in markup.merged:
        checked.problems.append(_merged(sheet, merged))
    columns = _columns(sheet, raw.header, checked.problems)
    if columns is None:
        return []
    checked.columns[sheet.name] = {c.field: _where_of(p, c) for p, c in columns.items()}
    seen: set[tuple[object, ...]] = set()
    rows: list[Row] = []
    plan = _plan(sheet, columns)
    identity_at = [_index(sheet)[f] for f in sheet.identity]
    for number, cells in raw.rows:
        row = _check_row(sheet, number, cells, columns, plan, markup, known, checked.problems)
        if row is None:
            continue
        identity = tuple([row.values[i] for i in identity_at])
        if identity in seen:
            checked.problems.append(_duplicate(sheet, row, identity, columns))
            continue
        seen.add(identity)
        rows.append(row)
    return rows


def _merged(sheet: Sheet, cells: str) -> Problem:
    first = cells.split(":", maxsplit=1)[0]
    letters = first.rstrip("0123456789")
    return Problem(
        sheet.name, int(first[len(letters) :]), letters, cells, f"cells {cells} are merged",
        "unmerge them and type the value in each cell",
    )  # fmt: skip


def _columns(
    sheet: Sheet, header: tuple[CellValue, ...], problems: list[Problem]
) -> dict[int, Column] | None:
    """Each header cell's column, by position; None if the header cannot be used."""
    by_header = {_folded(c.header): c for c in sheet.columns}
    found: dict[int, Column] = {}
    for position, text in enumerate(header):
        if is_empty(text):
            continue
        column = by_header.get(_folded(text))
        letter = get_column_letter(position + 1)
        if column is None:
            problems.append(Problem(
                sheet.name, 1, f"{letter} ({text})", shown(text), f"unknown column {text!r}",
                f"remove it, or name it one of: {', '.join(sheet.headers)}",
            ))  # fmt: skip
        elif column in found.values():
            problems.append(Problem(
                sheet.name, 1, f"{letter} ({text})", shown(text), f"column {text!r} appears twice",
                "keep one of them",
            ))  # fmt: skip
        else:
            found[position] = column
    missing = [c.header for c in sheet.columns if c.required and c not in found.values()]
    for header_text in missing:
        problems.append(Problem(
            sheet.name, 1, None, "", f"the required column {header_text!r} is missing",
            f"add a column headed {header_text!r}",
        ))  # fmt: skip
    return None if missing or len(found) == 0 else found


def _check_row(
    sheet: Sheet, number: int, cells: tuple[CellValue, ...], columns: dict[int, Column],
    plan: list[_Planned], markup: Markup, known: Known, problems: list[Problem],
) -> Row | None:  # fmt: skip
    values: list[object] = [None] * len(sheet.columns)
    before = len(problems)
    plain = not (markup.formulas or markup.errors)  # no cell of the sheet hides a formula
    memo = known.memo if plain else {}
    width = len(cells)
    for position, column, where, at, memo_id in plan:
        raw = cells[position] if position < width else None
        if raw is None and plain and not column.required:
            continue  # an empty optional cell: None, as the row starts
        # A value this column accepted before is accepted again (no formula cell can hide).
        hit = memo.get((memo_id, type(raw), raw)) if memo_id else None
        if hit is None:
            hit = _check_cell(sheet, number, position, column, raw, where, markup, known,
                              problems)  # fmt: skip
        values[at] = hit
    row = Row(number, tuple(values))
    if len(problems) == before:
        _check_rules(sheet, row, columns, problems)
    return row if len(problems) == before else None


_WHERE: dict[tuple[int, str], str] = {}
_Planned = tuple[int, Column, str, int, int]


def _plan(sheet: Sheet, columns: dict[int, Column]) -> list[_Planned]:
    """Each column's position, where problems name it, its place in the row and its memo id
    (0: not remembered): worked out once per sheet, used on every row."""
    index = _index(sheet)
    return [
        (p, c, _where_of(p, c), index[c.field], id(c) if c.kind in _MEMO_KINDS else 0)
        for p, c in columns.items()
    ]


def _where_of(position: int, column: Column) -> str:
    """'D (Amount)': how a problem names a column (kept: a sheet has few, rows many)."""
    where = f"{get_column_letter(position + 1)} ({column.header})"
    _WHERE[position, column.header] = where
    return where


def _check_cell(
    sheet: Sheet, number: int, position: int, column: Column, raw: CellValue, where: str,
    markup: Markup, known: Known, problems: list[Problem],
) -> object:  # fmt: skip
    if markup.formulas or markup.errors or (isinstance(raw, str) and raw.startswith("#")):
        cell = f"{get_column_letter(position + 1)}{number}"
        raw = markup.errors.get(cell, raw)
        refused = formula_problem(sheet.name, cell, where, raw)
        if refused is not None and (cell in markup.formulas or refused.value):
            problems.append(refused)
            return None
    if is_empty(raw):
        if column.required:
            problems.append(Problem(
                sheet.name, number, where, "", f"{column.header} is required",
                f"fill it in: {column.help}",
            ))  # fmt: skip
        return None
    remembered = column.kind in _MEMO_KINDS and isinstance(raw, str | int | float)
    key = (id(column), type(raw), raw)
    if remembered and (hit := known.memo.get(key)) is not None:
        return hit
    try:
        read = read_cell(column, raw)
    except CellRefused as refused:
        problems.append(Problem(sheet.name, number, where, shown(raw), refused.message,
                                refused.fix or column.help))  # fmt: skip
        return None
    if column.choices is not None:
        read = _chosen(sheet, number, column, where, read, raw, known, problems)
    elif isinstance(read, str) and len(read) < 40:
        read = sys.intern(read)
    if remembered and read is not None:
        size = known.memo_sizes.get(id(column), 0)
        if size < MEMO_PER_COLUMN:
            known.memo[key] = read
            known.memo_sizes[id(column)] = size + 1
    return read


def _chosen(
    sheet: Sheet, number: int, column: Column, where: str, read: object, raw: CellValue,
    known: Known, problems: list[Problem],
) -> object:  # fmt: skip
    allowed = known.choices(column.choices) if column.choices else ()
    by_fold = {a.casefold(): a for a in allowed}
    match = by_fold.get(str(read).casefold())
    if match is not None:
        return sys.intern(match)
    listed = sorted(allowed)
    more = f" (and {len(listed) - MAX_LISTED} more)" if len(listed) > MAX_LISTED else ""
    problems.append(Problem(
        sheet.name, number, where, shown(raw),
        f"unknown {_singular(column.choices)} {shown(raw)!r}",
        f"use one of: {', '.join(listed[:MAX_LISTED])}{more}",
    ))  # fmt: skip
    return None


def _singular(choices: Choices | None) -> str:
    names = {Choices.partners: "partner", Choices.functions: "function",
             Choices.currencies: "currency", Choices.stages: "stage", Choices.statuses: "status",
             Choices.categories: "category", Choices.methods: "allocation method",
             Choices.convergence: "convergence stage", Choices.line_kinds: "line kind"}  # fmt: skip
    return names.get(choices, "value") if choices else "value"


def _check_rules(
    sheet: Sheet, row: Row, columns: dict[int, Column], problems: list[Problem]
) -> None:
    """Rules across a row's cells: a ledger amount's sign; an initiative's partners."""
    if sheet is layout.LEDGER:
        _check_sign(sheet, row, columns, problems)


def _where(sheet: Sheet, columns: dict[int, Column], name: str) -> str:
    for position, column in columns.items():
        if column.field == name:
            return f"{get_column_letter(position + 1)} ({column.header})"
    return sheet.column(name).header


def _check_sign(
    sheet: Sheet, row: Row, columns: dict[int, Column], problems: list[Problem]
) -> None:
    amount = value(sheet, row, "amount")
    category = Category(str(value(sheet, row, "category")))
    if not isinstance(amount, Decimal):
        return
    negative = category is Category.dis_synergy
    if amount == 0 or (amount > 0) == negative:
        sign = "negative" if negative else "positive"
        problems.append(Problem(
            sheet.name, row.number, _where(sheet, columns, "amount"), str(amount),
            f"a {category.value} is recorded as a {sign} amount" if amount else "the amount is zero",
            "give a non-zero amount, a dis-synergy negative and everything else positive "
            "(a correction is a changed row, which the import turns into a reversal)",
        ))  # fmt: skip


def _duplicate(
    sheet: Sheet, row: Row, identity: tuple[object, ...], columns: dict[int, Column]
) -> Problem:
    fields = sheet.identity
    shown_id = ", ".join("" if v is None else str(v) for v in identity)
    return Problem(
        sheet.name, row.number, _where(sheet, columns, fields[0]), shown_id,
        f"{' and '.join(sheet.column(f).header for f in fields)} {shown_id!r} appears twice",
        "keep one row per " + " and ".join(sheet.column(f).header for f in fields),
    )  # fmt: skip
