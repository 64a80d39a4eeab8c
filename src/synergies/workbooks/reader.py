"""Read a tracker workbook, streaming: refuse a file that is no workbook before reading it,
then give each sheet's rows as cell values with their Excel row numbers.

Read-only openpyxl neither shows merged cells nor says which cells hold formulas, so the
sheet's XML is scanned for them, in a stream, and only parsed where they occur.
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
    """An open workbook: its sheets by name, and what its XML says beyond the values."""

    book: Any
    sheet_names: list[str]
    problems: list[Problem] = field(default_factory=list)

    def close(self) -> None:
        self.book.close()


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
    """Open for streaming (read-only, cached values of formulas); refuse an unreadable one."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # heavy: read only here

    refuse_unreadable(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, TypeError):
        raise _corrupt(path.name) from None
    except Exception as error:  # openpyxl raises its own, and lxml's, for a broken part
        raise _corrupt(path.name) from error
    return Opened(book, list(book.sheetnames))


@dataclass(frozen=True, slots=True)
class Markup:
    """What a sheet's XML holds beyond the values: merged ranges and formula cells."""

    merged: tuple[str, ...]
    formulas: frozenset[str]


def scan_markup(archive: zipfile.ZipFile, member: str) -> Markup:
    """Merged ranges and formula cells: a byte scan first, the XML parsed only if it has any."""
    if not _mentions(archive, member, (b"<mergeCell", b"<f>", b"<f ", b"<f/>")):
        return Markup((), frozenset())
    from openpyxl.xml.functions import iterparse  # type: ignore[import-untyped]  # defused

    merged: list[str] = []
    formulas: set[str] = set()
    with archive.open(member) as xml:
        for _, element in iterparse(xml):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                if any(child.tag.rsplit("}", 1)[-1] == "f" for child in element):
                    formulas.add(element.get("r", ""))
                element.clear()
            elif tag == "mergeCell":
                merged.append(element.get("ref", ""))
            elif tag == "row":
                element.clear()
    return Markup(tuple(merged), frozenset(formulas))


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
    """A sheet's header and rows (trailing empty cells dropped, empty rows skipped)."""
    sheet = opened.book[name]
    markup = scan_markup(opened.book._archive, sheet._worksheet_path)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, ())
    return RawSheet(name, tuple(header), _numbered(rows)), markup


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    for number, row in enumerate(rows, start=2):
        if any(v is not None and v != "" for v in row):
            yield number, tuple(row)


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
