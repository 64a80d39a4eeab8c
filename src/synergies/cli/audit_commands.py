"""The audit trail: list it, verify it, checkpoint its head, rotate its key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit, print_json
from synergies.domain.errors import Conflict, InvalidInput
from synergies.schemas.audit import VerifyOut
from synergies.services import audit_key, audit_trail
from synergies.services.audit_trail import Verification

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
         "subject": r.subject, "key": r.key_id or "", "hash": r.hash[:12]}
        for r in shown
    ]  # fmt: skip
    emit(rows, fmt, title="Audit trail", caption=f"{len(shown)} of {len(records)} records")


AgainstOption = Annotated[
    Path | None,
    typer.Option(
        "--against",
        help="A checkpoint file (from 'audit checkpoint'; '-' reads standard input): the "
        "chain must still hold that head unchanged.",
    ),
]


@audit_app.command("verify")
def verify(
    against: AgainstOption = None, db: DbOption = None, fmt: FormatOption = Format.table
) -> None:
    """Verify the chain (hashes and keyed HMACs), every ledger entry, the current
    initiatives, accounts and plans, and every sealed table (FX rates, tokens, settings,
    ...) against the trail; report every problem found."""
    checkpoint = _read_checkpoint(against) if against is not None else None
    found = audit_trail.verification(open_context(db), checkpoint)
    if fmt is Format.json:
        print_json(VerifyOut.of(found).model_dump(mode="json"))
    elif fmt is Format.csv:
        emit([{"seq": p.seq, "subject": p.subject, "problem": p.problem} for p in found.problems],
             fmt)  # fmt: skip
    else:
        _print(found)
    if found.problems:
        raise Conflict(
            f"the audit trail does not match in {len(found.problems)} place(s)",
            field="audit",
            fix="restore the store from a backup and investigate who changed it",
        )


def _read_checkpoint(path: Path) -> str:
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="against",
                           fix="name the file 'audit checkpoint' wrote") from None  # fmt: skip


def _print(found: Verification) -> None:
    err = Console(stderr=True, soft_wrap=True)
    for p in found.problems:
        where = f"record {p.seq}" if p.subject == "audit" else p.subject
        err.print(f"{escape(where)}: {escape(p.problem)}", highlight=False)
    if found.problems:
        return
    out = console()
    unkeyed = found.records - found.keyed_records
    out.print(f"audit trail intact: {found.records} records, chain verified "
              f"({found.keyed_records} keyed, {unkeyed} unkeyed from before keying)")  # fmt: skip
    out.print(f"ledger: {found.ledger_entries_checked} entries match the trail"
              + (f", {found.ledger_entries_unchecked} from before keying not described in full"
                 if found.ledger_entries_unchecked else ""))  # fmt: skip
    out.print(
        f"tables: {found.tables_sealed} match their seals"
        + (
            f"; not sealed yet (sealed by the next change): {', '.join(found.unsealed)}"
            if found.unsealed
            else ""
        )
    )
    if found.checkpoint is not None:
        c = found.checkpoint
        out.print(f"checkpoint of {c.at.isoformat()} holds: record {c.seq} unchanged")


@audit_app.command("checkpoint")
def checkpoint(
    output: Annotated[
        Path | None, typer.Option("--output", help="Write it to this file, not the screen.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Print the chain's head (seq, hash), signed with the audit key, as one JSON line: keep
    it outside the store (the board pack prints it) and verify later with --against."""
    text = audit_trail.checkpoint(open_context(db)).text() + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    console().print(f"checkpoint written to {output}")


@audit_app.command("rotate-key")
def rotate_key(db: DbOption = None) -> None:
    """Make a fresh audit key current; older keys stay in the key file to verify the
    records they signed. Back the key file up again afterwards."""
    new, previous = audit_trail.rotate_key(open_context(db))
    was = f" (was {previous})" if previous else ""
    console().print(f"audit key {new} is now current{was}; key file: {audit_key.key_file()}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
