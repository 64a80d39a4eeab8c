"""Workbooks out: `synergies template OUT.xlsx` and `synergies export OUT.xlsx|.csv|.json`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synergies.cli.options import DbOption, open_context

TemplateOut = Annotated[
    Path, typer.Argument(metavar="OUT", help="The workbook to write (.xlsx).", dir_okay=False)
]
ExportOut = Annotated[
    Path,
    typer.Argument(
        metavar="OUT", dir_okay=False,
        help="The file to write; its suffix names the format: .xlsx (the tracker workbook with "
        "its Summary), .csv (one sheet, the Ledger unless --sheet says) or .json (every "
        "sheet: {sheet: [{field: value}]}, amounts as exact decimal strings).",
    ),
]  # fmt: skip
YearOption = Annotated[
    int | None,
    typer.Option(help="The Summary's breakdown year (default: the latest with synergies)."),
]
SheetOption = Annotated[
    str, typer.Option(help="The sheet a .csv holds, e.g. Initiatives (default: Ledger).")
]


def template(out: TemplateOut, db: DbOption = None) -> None:
    """Write the tracker workbook template: one sheet per kind, with lists.

    An Instructions sheet, then one sheet per kind of record with a frozen header (each
    header's help as its comment) and drop-down lists of stages, categories, currencies and,
    when a store is found, its partners and functions (else the workbook's own)."""
    from synergies.domain.errors import NotFound
    from synergies.services.exports import write_template

    try:
        ctx = open_context(db)
    except NotFound:
        ctx = None
    written = write_template(ctx, out)
    lists = "the store's partners and functions" if ctx else "no store: the fixed lists only"
    typer.echo(f"wrote {written.path} ({len(written.rows)} sheets, {lists})")


def export(
    out: ExportOut, year: YearOption = None, sheet: SheetOption = "Ledger", db: DbOption = None
) -> None:
    """Write the store's data as a tracker workbook, CSV or JSON.

    The workbook is the template filled: number formats in each amount's currency, frozen
    and filtered headers, a Summary sheet with the report's figures and native charts. The
    ledger holds the live entries (reversed pairs left out), refs kept for a re-import, with
    their provenance (illustrative, source, lineage). What a workbook cannot carry (the audit
    trail, accounts, measurement runs' detail, ...) is listed after writing."""
    from synergies.services.exports import export as write

    written = write(open_context(db), out, year=year, sheet=sheet)
    counts = ", ".join(f"{name} {n:,}" for name, n in written.rows.items())
    typer.echo(f"wrote {written.path} ({written.format.value}: {counts})")
    typer.echo("not in it (kept by the store only):")
    for missing in written.not_carried:
        typer.echo(f"  - {missing}")


def register(app: typer.Typer) -> None:
    app.command()(template)
    app.command()(export)
