"""Print rows as a Rich table, JSON or CSV: the one way every command shows data."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum, StrEnum

from rich.console import Console
from rich.table import Table

from synergies.csv_writer import write_csv
from synergies.domain.percent import percent  # for commands not yet importing it from domain
from synergies.serialize import jsonable

__all__ = ["Format", "emit", "percent", "print_csv", "print_json", "table"]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


Row = Mapping[str, object]


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def console() -> Console:
    return Console(soft_wrap=False, width=max(Console().width, 120))


def print_json(document: object) -> None:
    sys.stdout.write(json.dumps(jsonable(document), indent=2, ensure_ascii=False) + "\n")


def print_csv(rows: Sequence[Row]) -> None:
    write_csv(rows, sys.stdout)


def table(rows: Sequence[Row], *, title: str | None = None, caption: str | None = None) -> Table:
    grid = Table(title=title, caption=caption, show_lines=False)
    columns = list(rows[0].keys()) if rows else []
    for name in columns:
        numeric = any(isinstance(r.get(name), Decimal | int) for r in rows)
        grid.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        grid.add_row(*(cell(row.get(name)) for name in columns))
    return grid


def emit(
    rows: Sequence[Row],
    fmt: Format,
    *,
    title: str | None = None,
    caption: str | None = None,
    document: object | None = None,
) -> None:
    """Print `rows` in the chosen format; JSON prints `document` when given, else the rows."""
    if fmt is Format.json:
        print_json(document if document is not None else list(rows))
    elif fmt is Format.csv:
        print_csv(rows)
    else:
        console().print(table(rows, title=title, caption=caption))
