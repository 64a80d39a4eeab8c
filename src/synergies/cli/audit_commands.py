"""The audit trail: list it, verify its hash chain."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.errors import Conflict
from synergies.services import audit_trail

audit_app = typer.Typer(help="The append-only, hash-chained audit trail.")


@audit_app.callback(invoke_without_command=True)
def audit(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option(help="Only records about this subject.")] = None,
    limit: Annotated[int, typer.Option(help="Newest records to show; 0: all.")] = 30,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Who changed what, when (newest last)."""
    if ctx.invoked_subcommand:
        return
    records = audit_trail.records(open_context(db), subject=subject)
    shown = records[-limit:] if limit else records
    rows = [
        {"seq": r.seq, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
         "subject": r.subject, "hash": r.hash[:12]}
        for r in shown
    ]  # fmt: skip
    emit(rows, fmt, title="Audit trail", caption=f"{len(shown)} of {len(records)} records")


@audit_app.command("verify")
def verify(db: DbOption = None) -> None:
    """Recompute the hash chain: any edited, deleted or inserted record is reported."""
    problems, count = audit_trail.verify(open_context(db))
    if problems:
        for p in problems:
            Console(stderr=True).print(f"record {p.seq}: {p.problem}")
        raise Conflict(
            f"the audit trail is broken in {len(problems)} place(s)",
            field="audit",
            fix="restore the store from a backup and investigate who changed it",
        )
    console().print(f"audit trail intact: {count} records, chain verified")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
