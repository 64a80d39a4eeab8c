"""Reading and verifying the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from synergies.services.audit import AuditProblem, load_chain
from synergies.services.audit import verify as verify_chain
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import tables as t


def records(ctx: Context, subject: str | None = None) -> list[Any]:
    ctx.allow(Action.read_audit)
    query = select(t.audit_log).order_by(t.audit_log.c.seq)
    if subject:
        query = query.where(t.audit_log.c.subject.like(f"{subject}%"))
    with ctx.reading() as conn:
        return list(conn.execute(query))


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
    query = select(t.audit_log.c.action).where(t.audit_log.c.seq > since).distinct()
    actions = {a for (a,) in conn.execute(query)}
    return not {a for a in actions if a.startswith(REPORT_INPUTS)} - LEDGER_APPENDS
