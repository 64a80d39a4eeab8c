"""The audit trail: every change, who made it and when, before and after, hash-chained."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from synergies.serialize import jsonable
from synergies.services.security import Actor
from synergies.storage import tables as t

GENESIS = "0" * 64


def snapshot(value: object) -> str | None:
    """Canonical JSON of a domain value (dataclasses included) for before/after."""
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


def _plain(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "year") and hasattr(value, "month") and not hasattr(value, "day"):
        return str(value)  # Month
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
    done = conn.execute(
        update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=t.audit_head.c.seq)
    )
    if done.rowcount == 0:
        try:
            with conn.begin_nested():
                conn.execute(insert(t.audit_head).values(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass  # another writer created it first; its lock now orders us
        conn.execute(
            update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=t.audit_head.c.seq)
        )


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    subject: str,
    before: object = None,
    after: object = None,
) -> None:
    """Append one audit record, chained to the previous one, in the caller's transaction."""
    # Updating the head first takes the write lock, so concurrent writers chain in turn.
    conn.execute(
        update(t.audit_head).where(t.audit_head.c.id == 1).values(seq=t.audit_head.c.seq + 1)
    )
    head = conn.execute(select(t.audit_head.c.seq, t.audit_head.c.hash)).first()
    if head is None:
        conn.execute(insert(t.audit_head).values(id=1, seq=1, hash=GENESIS))
        seq, prev = 1, GENESIS
    else:
        seq, prev = head.seq, head.hash
    at = datetime.now(UTC).replace(microsecond=0)
    b, a = snapshot(before), snapshot(after)
    digest = _digest(prev, seq, at.isoformat(), actor.name, action, subject, b, a)
    conn.execute(
        insert(t.audit_log).values(
            seq=seq, at=at, actor=actor.name, action=action, subject=subject, before=b, after=a,
            prev_hash=prev, hash=digest,
        )
    )  # fmt: skip
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == 1).values(hash=digest))


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int
    problem: str


def verify(rows: Iterable[Any], head: Any) -> list[AuditProblem]:
    """Recompute the chain; any edited, deleted or inserted record breaks it."""
    problems = []
    prev, expected_seq = GENESIS, 1
    for r in rows:
        if r.seq != expected_seq:
            problems.append(AuditProblem(expected_seq, f"record {expected_seq} is missing"))
        at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)
        digest = _digest(
            prev, r.seq, at.isoformat(), r.actor, r.action, r.subject, r.before, r.after
        )
        if r.prev_hash != prev:
            problems.append(AuditProblem(r.seq, "does not chain to the record before it"))
        if r.hash != digest:
            problems.append(AuditProblem(r.seq, "content does not match its hash (edited)"))
        prev, expected_seq = r.hash, r.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        problems.append(AuditProblem(head.seq, "the newest records were deleted"))
    return problems


def load_chain(conn: Connection) -> tuple[list[Any], Any]:
    rows = list(conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq)))
    head = conn.execute(select(t.audit_head)).first()
    return rows, head
