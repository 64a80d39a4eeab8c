"""The audit trail: every change, who made it and when, before and after, hash-chained."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from synergies.domain.calendar import Month
from synergies.serialize import jsonable
from synergies.services.security import Actor
from synergies.storage import audit_rows
from synergies.storage.audit_rows import AuditHead, AuditRecord

GENESIS = "0" * 64


def snapshot(value: object) -> str | None:
    """Canonical JSON of a domain value (dataclasses included) for before/after."""
    if value is None:
        return None
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


def _plain(value: object) -> Any:
    if isinstance(value, Month):  # before the dataclass rule: a month reads as "2016-03"
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return jsonable(value)


def _digest(prev: str, seq: int, at: str, actor: str, action: str, subject: str,
            before: str | None, after: str | None) -> str:  # fmt: skip
    body = json.dumps([prev, seq, at, actor, action, subject, before, after], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def lock_writes(conn: Connection) -> None:
    """Take the store's write lock (the audit head's row) at the start of a transaction.

    Writers then run one after another from their first statement, so ledger ids are handed
    out in commit order: a reader that sees id N has seen every id below it. That is what
    lets a cache follow the append-only ledger by asking only for ids above the last it saw.
    """
    if not audit_rows.touch_head(conn):
        try:
            with conn.begin_nested():
                audit_rows.create_head(conn, 0, GENESIS)
        except IntegrityError:
            pass  # another writer created it first; its lock now orders us
        audit_rows.touch_head(conn)


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    subject: str,
    before: object = None,
    after: object = None,
) -> None:
    """Append one audit record, chained to the previous one, in the caller's transaction."""
    # Advancing the head first takes the write lock, so concurrent writers chain in turn.
    head = audit_rows.advance_head(conn)
    if head is None:
        audit_rows.create_head(conn, 1, GENESIS)
        head = AuditHead(1, GENESIS)
    at = datetime.now(UTC).replace(microsecond=0)
    b, a = snapshot(before), snapshot(after)
    digest = _digest(head.hash, head.seq, at.isoformat(), actor.name, action, subject, b, a)
    audit_rows.append(
        conn, AuditRecord(head.seq, at, actor.name, action, subject, b, a, head.hash, digest)
    )


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int
    problem: str


def verify(rows: Iterable[AuditRecord], head: AuditHead | None) -> list[AuditProblem]:
    """Recompute the chain; any edited, deleted or inserted record breaks it."""
    problems = []
    prev, expected_seq = GENESIS, 1
    for r in rows:
        if r.seq != expected_seq:
            problems.append(AuditProblem(expected_seq, f"record {expected_seq} is missing"))
        digest = _digest(
            prev, r.seq, r.at.isoformat(), r.actor, r.action, r.subject, r.before, r.after
        )
        if r.prev_hash != prev:
            problems.append(AuditProblem(r.seq, "does not chain to the record before it"))
        if r.hash != digest:
            problems.append(AuditProblem(r.seq, "content does not match its hash (edited)"))
        prev, expected_seq = r.hash, r.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        problems.append(AuditProblem(head.seq, "the newest records were deleted"))
    return problems


def load_chain(conn: Connection) -> tuple[list[AuditRecord], AuditHead | None]:
    return audit_rows.records(conn), audit_rows.head(conn)
