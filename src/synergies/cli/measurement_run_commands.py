"""Posted measurement runs and their lineage."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, emit, print_json
from synergies.domain.partners import partner_code
from synergies.services import measurement as service

measurement_app = typer.Typer(help="A posted measurement run: lineage and detail.",
                              no_args_is_help=True)  # fmt: skip


def measurements(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Measurement runs posted to the ledger, oldest first."""
    rows = [
        {"run": r.id, "posted_at": r.posted_at.isoformat(), "actor": r.actor,
         "source": r.source, "method": r.method_version, "currency": r.reporting_currency,
         "added": r.entries_added, "reversed": r.entries_reversed,
         "fingerprint": r.fingerprint_hash[:12]}
        for r in service.runs(open_context(db))
    ]  # fmt: skip
    emit(rows, fmt, title="Measurement runs")


@measurement_app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(metavar="RUN", help="Measurement run id.")],
    partner: Annotated[
        str | None,
        typer.Option(help="Also show this partner's line-level detail (confidential to it)."),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.json,
) -> None:
    """The lineage of a run (files, sizes, hashes, row counts, method, query) and its figures."""
    ctx = open_context(db)
    found = service.run(ctx, run_id)
    document: dict[str, object] = {
        "run": found.id, "source": found.source, "posted_at": found.posted_at,
        "actor": found.actor, "fingerprint_hash": found.fingerprint_hash,
        "lineage": found.fingerprint, "method": found.method_version, "query": found.query,
        "summary": found.summary,
    }  # fmt: skip
    if partner:
        code = partner_code(partner, field="partner")
        document["detail"] = {code: service.run_detail(ctx, run_id, code)}
    if fmt is Format.table:
        emit([{"field": k, "value": v} for k, v in document.items() if k != "summary"], fmt)
    else:
        print_json(document)


def register(app: typer.Typer) -> None:
    app.command()(measurements)
    app.add_typer(measurement_app, name="measurement")
