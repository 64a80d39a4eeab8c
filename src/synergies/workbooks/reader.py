"""Read a tracker workbook: refuse a file that is no workbook before reading it, then give
each sheet's rows as cell values with their Excel row numbers.

Values come from calamine (Rust; the cached value of a formula, never evaluated), which reads
a million-row sheet about fifteen times faster than openpyxl. It does not say which cells
hold formulas, so the sheet's XML is scanned for them and for merged cells, in a stream, and
only parsed where they occur.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synergies.domain.errors import InvalidInput
from synergies.workbooks.cells import ERROR_VALUES, CellValue, Problem, shown

MAX_BYTES = 100 * 1024 * 1024
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP = b"PK\x03\x04"
_CHUNK = 1 << 20


class WorkbookRefused(InvalidInput):
    """The file is not a workbook this import can read; nothing was written."""


@dataclass
class RawSheet:
    """A sheet's cells: the header row, then each data row with its Excel row number."""

    name: str
    header: tuple[CellValue, ...]
    rows: Iterator[tuple[int, tuple[CellValue, ...]]]


@dataclass
class Opened:
    """An open workbook: its sheets by name, and where each sheet's XML lies in the file."""

    book: Any
    archive: zipfile.ZipFile
    sheet_names: list[str]
    parts: dict[str, str]  # sheet name -> its XML member, e.g. "xl/worksheets/sheet2.xml"
    problems: list[Problem] = field(default_factory=list)

    def close(self) -> None:
        self.book.close()
        self.archive.close()


def refuse_unreadable(path: Path) -> None:
    """Refuse, before reading it, a file that is too large, encrypted, old or no workbook."""
    name = path.name
    if not path.is_file():
        raise WorkbookRefused(
            f"{name} does not exist", field="workbook", fix="give the path of an .xlsx file"
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise WorkbookRefused(
            f"{name} is {size:,} bytes, over the {MAX_BYTES:,} an import reads",
            field="workbook", fix="split the tracker into smaller workbooks, e.g. the ledger by year",
        )  # fmt: skip
    with path.open("rb") as file:
        start = file.read(8)
    if start == OLE2:
        raise WorkbookRefused(
            f"{name} is password-protected, or an old Excel 97-2003 .xls workbook",
            field="workbook",
            fix="remove the password (File > Info > Protect Workbook), or save it as .xlsx",
        )
    if not start.startswith(ZIP):
        raise WorkbookRefused(
            f"{name} is not an Excel workbook (.xlsx)", field="workbook",
            fix="save the tracker as an Excel workbook (.xlsx) and import that",
        )  # fmt: skip
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _corrupt(name) from None
    if "xl/workbook.xml" not in members:
        raise WorkbookRefused(
            f"{name} is a zip file but not an Excel workbook", field="workbook",
            fix="save the tracker as an Excel workbook (.xlsx) and import that",
        )  # fmt: skip


def _corrupt(name: str) -> WorkbookRefused:
    return WorkbookRefused(
        f"{name} is corrupt: its zip structure cannot be read", field="workbook",
        fix="open it in Excel or LibreOffice, let it repair the file, save it and import again",
    )  # fmt: skip


def open_workbook(path: Path) -> Opened:
    """Open for reading (cached values of formulas); refuse an unreadable one."""
    from python_calamine import CalamineWorkbook  # heavy: read only here

    refuse_unreadable(path)
    try:
        archive = zipfile.ZipFile(path)
        parts = _sheet_parts(archive)
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, SyntaxError):
        raise _corrupt(path.name) from None
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own errors for a broken part
        archive.close()
        raise _corrupt(path.name) from error
    return Opened(book, archive, list(book.sheet_names), parts)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's XML member, from the workbook part and its relationships."""
    from defusedxml.ElementTree import fromstring  # no entity expansion, no external DTDs

    book = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = member
    return parts


@dataclass(frozen=True, slots=True)
class Markup:
    """What a sheet's XML holds beyond the values: merged ranges, formula cells, and the
    error values (#DIV/0!, #N/A ...) that calamine reads as empty."""

    merged: tuple[str, ...]
    formulas: frozenset[str]
    errors: dict[str, str] = field(default_factory=dict)  # cell -> its error value


_NEEDLES = (b"<mergeCell", b"<f>", b"<f ", b"<f/>", b't="e"')


def scan_markup(archive: zipfile.ZipFile, member: str) -> Markup:
    """Merged ranges, formula and error cells: a byte scan first, the XML parsed only if it
    has any."""
    if not _mentions(archive, member, _NEEDLES):
        return Markup((), frozenset())
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]  # defused

    merged: list[str] = []
    formulas: set[str] = set()
    errors: dict[str, str] = {}
    with archive.open(member) as xml:
        for _, element in iterparse(xml):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                if "f" in children:
                    formulas.add(element.get("r", ""))
                if element.get("t") == "e" and "v" in children:
                    errors[element.get("r", "")] = children["v"].text or "#VALUE!"
                element.clear()
            elif tag == "mergeCell":
                merged.append(element.get("ref", ""))
            elif tag == "row":
                element.clear()
    return Markup(tuple(merged), frozenset(formulas), errors)


def _mentions(archive: zipfile.ZipFile, member: str, needles: tuple[bytes, ...]) -> bool:
    tail = b""
    with archive.open(member) as xml:
        while chunk := xml.read(_CHUNK):
            text = tail + chunk
            if any(n in text for n in needles):
                return True
            tail = text[-16:]
    return False


def sheet_rows(opened: Opened, name: str) -> tuple[RawSheet, Markup]:
    """A sheet's header and rows (empty cells None, empty rows skipped)."""
    member = opened.parts.get(name)
    markup = scan_markup(opened.archive, member) if member else Markup((), frozenset())
    try:
        sheet = opened.book.get_sheet_by_name(name)
        rows = iter(sheet.iter_rows())
        first: list[Any] = next(rows, [])
    except Exception as error:  # a sheet part calamine cannot parse
        raise _corrupt(name) from error
    top, left = sheet.start or (0, 0)  # the used range's first row and column, from 0
    pad = (None,) * int(left)
    header = pad + _cells(first)
    return RawSheet(name, header, _numbered(rows, int(top) + 2, pad)), markup


def _cells(row: list[Any], pad: tuple[None, ...] = ()) -> tuple[CellValue, ...]:
    """calamine gives "" for an empty cell; the checks take None (an empty string too).
    `pad`: the empty columns left of the used range, so that positions match letters."""
    cells = [None if v == "" else v for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    return pad + tuple(cells) if cells else ()


def _numbered(
    rows: Iterator[list[Any]], start: int, pad: tuple[None, ...]
) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    for number, row in enumerate(rows, start=start):
        cells = _cells(row, pad)
        if cells:
            yield number, cells


def formula_problem(sheet: str, cell: str, column: str, value: CellValue) -> Problem | None:
    """A formula cell with no cached value, or whose value is an error: never evaluated."""
    if value is None:
        return Problem(
            sheet, _row_of(cell), column, "", f"cell {cell} holds a formula with no saved value",
            "open the workbook in Excel or LibreOffice, let it recalculate, save it, or type "
            "the value instead of the formula",
        )  # fmt: skip
    if isinstance(value, str) and value in ERROR_VALUES:
        return Problem(
            sheet, _row_of(cell), column, shown(value),
            f"cell {cell} holds a formula whose value is the error {value}",
            "correct the formula, or type the value",
        )  # fmt: skip
    return None


def _row_of(cell: str) -> int:
    return int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
