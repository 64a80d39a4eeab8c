"""`synergies boardpack --year Y --out FILE.pdf|FILE.html`: the year's synergy statement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synergies.cli.options import DbOption, open_context
from synergies.cli.output import console

YearOption = Annotated[
    int,
    typer.Option("--year", min=1900, max=2199, help="The year of the statement, e.g. 2015."),
]
OutOption = Annotated[
    Path,
    typer.Option(
        "--out", dir_okay=False, writable=True,
        help="The file to write; its suffix names the format: .pdf (printed, vector charts) "
        "or .html (one standalone page, no script).",
    ),
]  # fmt: skip
PaperOption = Annotated[
    str,
    typer.Option("--paper", help="Paper size of the printed pack: a4 or letter.",
                 case_sensitive=False),
]  # fmt: skip


def boardpack(
    year: YearOption, out: OutOption, paper: PaperOption = "a4", db: DbOption = None
) -> None:
    """Write the board pack: the year's synergy statement as PDF or HTML, with verification.

    Realized synergies by function, partner and category against the target, the split
    between partners, one-off costs and payback, the burn-up with the forecast band, the
    bridge, the convergence timeline, the initiatives at risk, each figure's verification
    status (who signed off, when; measured or declared) and the audit head it was built from.
    """
    from synergies.domain.errors import InvalidInput
    from synergies.services import boardpack as service

    chosen = paper.lower()
    if chosen not in {p.value for p in service.Paper}:
        raise InvalidInput(f"no paper size {paper!r}", field="paper", fix="give a4 or letter")
    fmt = service.format_of(out)
    ctx = open_context(db)
    with console().status(f"building the {year} board pack ({fmt.value}, {chosen})"):
        done = service.write(ctx, year, out, service.Paper(chosen))
    pages = f", {done.pages} pages" if done.pages is not None else ""
    typer.echo(f"wrote {out} ({fmt.value}, {chosen}{pages}; audit record #{done.audit.seq})")


def register(app: typer.Typer) -> None:
    app.command()(boardpack)
