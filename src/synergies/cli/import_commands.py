"""Workbooks in: `synergies import WORKBOOK.xlsx`, all or nothing (a thin shell)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, emit

WorkbookArg = Annotated[
    Path, typer.Argument(metavar="WORKBOOK", help="The tracker workbook (.xlsx) to import.")
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Check and plan the import, and write nothing."),
]


def import_workbook(
    workbook: WorkbookArg, dry_run: DryRunOption = False, db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:  # fmt: skip
    """Import a tracker workbook: all checked first, then all or nothing.

    The layout is the one `synergies template` writes. Every problem is listed at once,
    with its sheet, row, column, the value found and the fix; then nothing is written.
    Importing the same workbook again changes nothing; stages move only through their gates,
    and a changed ledger row becomes a reversal and a new entry.
    """
    from synergies.cli.errors import exit_code, report
    from synergies.schemas.imports import ProblemOut
    from synergies.services.imports import WorkbookInvalid, import_workbook

    ctx = open_context(db)
    try:
        outcome = import_workbook(ctx, workbook, dry_run=dry_run)
    except WorkbookInvalid as invalid:
        problems = [ProblemOut.of(p) for p in invalid.problems]
        emit([p.model_dump() for p in problems], fmt, title="Problems",
             document={"error": invalid.message, "problems": [p.model_dump() for p in problems]})  # fmt: skip
        raise typer.Exit(
            exit_code(invalid) if fmt is not Format.table else report(invalid)
        ) from None
    caption = "dry run: nothing was written" if outcome.dry_run else None
    emit(outcome.rows(), fmt, title=f"{outcome.workbook} sha256:{outcome.sha256[:12]}",
         caption=caption, document=outcome.model_dump(mode="json"))  # fmt: skip
    if fmt is Format.table:
        for note in [
            *outcome.notes,
            *_absent(outcome.not_in_workbook, outcome.not_in_workbook_count),
        ]:
            typer.echo(f"note: {note}")


def _absent(refs: list[str], count: int) -> list[str]:
    if not refs:
        return []
    shown = ", ".join(refs[:10]) + (f" and {count - 10} more" if count > 10 else "")
    return [f"{count} entries imported before are not in this workbook, left as they are: {shown}"]


def register(app: typer.Typer) -> None:
    app.command("import")(import_workbook)
