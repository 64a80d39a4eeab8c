"""The one CSV writer: every export and every `--format csv` goes through it.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula, so a partner name or a reason typed as `=HYPERLINK(...)` would run on
the reader's machine. Such text is written with a leading `'` (the OWASP rule), which the
spreadsheet shows as text; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TextIO

from synergies.serialize import jsonable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, object]


def cell(value: object) -> object:
    """A value as the CSV shows it: numbers as they are, text defused, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return value
    text = jsonable(value)
    text = text if isinstance(text, str) else str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Sequence[Row], out: TextIO) -> None:
    """A header from the first row's keys, then one line per row; nothing for no rows."""
    if not rows:
        return
    writer = csv.writer(out, lineterminator="\n")
    columns = list(rows[0].keys())
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in columns])


def csv_text(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue()
