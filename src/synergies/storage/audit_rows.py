"""Rows <-> audit records and the head of their hash chain (the store's write lock).

The chain itself (what is hashed, how it is verified) is services/audit.py's business; this
module only reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from synergies.domain.ledger import LedgerEntry
from synergies.storage import ledger_rows
from synergies.storage import tables as t

HEAD_ID = 1  # the head is a single row


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str
    key_id: str | None = None  # None: unkeyed, from before the store was keyed
    written: str | None = None  # JSON digests of the rows the change wrote


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The newest record's number and hash: what the next record chains to."""

    seq: int
    hash: str
    keyed_from: int | None = None  # the first record that must be keyed
    sealed_from: int | None = None  # the record that first sealed every sealed table


def _record(r: Any) -> AuditRecord:
    return AuditRecord(
        r.seq, r.at, r.actor, r.action, r.subject, r.before, r.after, r.prev_hash, r.hash,
        r.key_id, r.written,
    )  # fmt: skip


def touch_head(conn: Connection) -> bool:
    """Update the head's row without changing it, which locks it until the transaction ends.

    False if there is no head yet (an empty store).
    """
    done = conn.execute(
        update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(seq=t.audit_head.c.seq)
    )
    return done.rowcount != 0


def create_head(conn: Connection, seq: int, hash: str) -> None:
    """Insert the head; raises IntegrityError if another writer created it first."""
    conn.execute(insert(t.audit_head).values(id=HEAD_ID, seq=seq, hash=hash))


def advance_head(conn: Connection, by: int = 1) -> AuditHead | None:
    """Count `by` more records on the head (taking its lock); the head after, if any."""
    conn.execute(
        update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(seq=t.audit_head.c.seq + by)
    )
    return head(conn)


def head(conn: Connection) -> AuditHead | None:
    h = t.audit_head.c
    row = conn.execute(select(h.seq, h.hash, h.keyed_from, h.sealed_from)).first()
    return None if row is None else AuditHead(row.seq, row.hash, row.keyed_from, row.sealed_from)


def set_keyed_from(conn: Connection, seq: int) -> None:
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(keyed_from=seq))


def set_sealed_from(conn: Connection, seq: int) -> None:
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(sealed_from=seq))


def record(conn: Connection, seq: int) -> AuditRecord | None:
    row = conn.execute(select(t.audit_log).where(t.audit_log.c.seq == seq)).first()
    return None if row is None else _record(row)


def reseal(conn: Connection, seq: int, written: str, hash: str) -> None:
    """Rewrite the newest record's `written` and hash, within the transaction that made it
    (its seals are taken at the end of that transaction), and the head's hash with it."""
    log = t.audit_log
    conn.execute(update(log).where(log.c.seq == seq).values(written=written, hash=hash))
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(hash=hash))


def key_of(conn: Connection, seq: int) -> str | None:
    """The key that signed record `seq` (None if unkeyed or absent)."""
    query = select(t.audit_log.c.key_id).where(t.audit_log.c.seq == seq)
    return conn.execute(query).scalar_one_or_none()


def append(conn: Connection, record: AuditRecord) -> None:
    """Insert the record and make it the head's newest."""
    conn.execute(
        insert(t.audit_log).values(
            seq=record.seq, at=record.at, actor=record.actor, action=record.action,
            subject=record.subject, before=record.before, after=record.after,
            prev_hash=record.prev_hash, hash=record.hash, key_id=record.key_id,
            written=record.written,
        )
    )  # fmt: skip
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(hash=record.hash))


def append_many(conn: Connection, records: list[AuditRecord]) -> None:
    """Insert consecutive records in one batch and make the last the head's newest."""
    if not records:
        return
    conn.execute(insert(t.audit_log), [{
        "seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action, "subject": r.subject,
        "before": r.before, "after": r.after, "prev_hash": r.prev_hash, "hash": r.hash,
        "key_id": r.key_id, "written": r.written,
    } for r in records])  # fmt: skip
    last = records[-1].hash
    conn.execute(update(t.audit_head).where(t.audit_head.c.id == HEAD_ID).values(hash=last))


def records(conn: Connection, subject_prefix: str | None = None) -> list[AuditRecord]:
    """Every record in order, or those whose subject starts with `subject_prefix`."""
    query = select(t.audit_log).order_by(t.audit_log.c.seq)
    if subject_prefix:
        query = query.where(t.audit_log.c.subject.like(f"{subject_prefix}%"))
    return [_record(r) for r in conn.execute(query)]


def actions_since(conn: Connection, seq: int) -> set[str]:
    """The distinct actions recorded after record `seq`."""
    query = select(t.audit_log.c.action).where(t.audit_log.c.seq > seq).distinct()
    return set(conn.execute(query).scalars())


def actors(conn: Connection, subject: str, actions: Collection[str]) -> set[str]:
    """Who recorded any of `actions` on `subject`."""
    query = select(t.audit_log.c.actor).where(
        t.audit_log.c.subject == subject, t.audit_log.c.action.in_(actions)
    )
    return set(conn.execute(query).scalars())


def ledger_entries(conn: Connection, ids: Collection[int] | None = None) -> list[LedgerEntry]:
    """The ledger's entries as stored now: those with `ids`, or all of them.

    The ids one transaction wrote are a run (writers take turns), so one range query finds
    them, where a list of ids would take a statement per few hundred.
    """
    query = ledger_rows.query_entries()
    if ids is None:
        return ledger_rows.load_entries(conn, query)
    if not ids:
        return []
    wanted = set(ids)
    span = query.where(ledger_rows.L.c.id.between(min(wanted), max(wanted)))
    return [e for e in ledger_rows.load_entries(conn, span) if e.id in wanted]
