"""Reading and verifying the audit trail."""

from __future__ import annotations

from sqlalchemy import Connection

from synergies.services.audit import AuditProblem, load_chain
from synergies.services.audit import verify as verify_chain
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import audit_rows
from synergies.storage.audit_rows import AuditRecord


def records(ctx: Context, subject: str | None = None) -> list[AuditRecord]:
    """Every record, or those whose subject starts with `subject` ("initiative/PUR-001")."""
    ctx.allow(Action.read_audit)
    with ctx.reading() as conn:
        return audit_rows.records(conn, subject)


def verify(ctx: Context) -> tuple[list[AuditProblem], int]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        rows, head = load_chain(conn)
    return verify_chain(rows, head), len(rows)


LEDGER_APPENDS = frozenset({"ledger.add", "ledger.import", "ledger.reverse", "measurement.post"})
REPORT_INPUTS = ("target.", "fx.", "partner.", "ledger.")


def report_inputs_unchanged_but_appends(conn: Connection, since: int) -> bool:
    """Since audit record `since`, did the report's inputs (targets, FX, partners, ledger)
    change only by ledger appends? Then a tally can follow by adding the new entries."""
    actions = audit_rows.actions_since(conn, since)
    return not {a for a in actions if a.startswith(REPORT_INPUTS)} - LEDGER_APPENDS
