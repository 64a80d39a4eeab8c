"""Tracker workbooks built cell by cell with openpyxl, for the import's tests."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

from synergies.workbooks import layout

Cells = Sequence[Sequence[object]]

INITIATIVE = ["NEW-001", "Joint tyre tender (illustrative)", "purchasing", "D. Girard",
              "cost reduction", "fixed", "RENAULT=50, NISSAN=50", "L1", None, "EUR", 1200000,
              0, "2016-07", 12, None, None, None]  # fmt: skip
ENTRY = ["T-1", "RENAULT", "2016-05", 2500.5, "EUR", "cost reduction", "PUR-001", None,
         "tyre invoices May (illustrative)", None, None, None]  # fmt: skip


def write(
    path: Path, sheets: Mapping[str, Cells], headers: Mapping[str, Sequence[str]] | None = None
) -> Path:
    """A workbook with one sheet per entry: the layout's header row, then `rows`."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        known = next((s for s in layout.SHEETS if s.name == name), None)
        header = (headers or {}).get(name) or (known.headers if known else ())
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def tracker(path: Path, *, initiatives: Cells = (INITIATIVE,), ledger: Cells = (ENTRY,)) -> Path:
    return write(path, {"Initiatives": initiatives, "Ledger": ledger})


def workbook_json() -> dict[str, str]:
    """A small tracker as `POST /imports` takes it in JSON: its name and base64 bytes."""
    book = Workbook()
    book.active.title = "Ledger"
    book.active.append(list(layout.LEDGER.headers))
    buffer = io.BytesIO()
    book.save(buffer)
    return {"name": "matrix.xlsx", "content_base64": base64.b64encode(buffer.getvalue()).decode()}
