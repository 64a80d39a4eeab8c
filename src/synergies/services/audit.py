"""The audit trail: every change, who made it and when, before and after, in a chain keyed
with an HMAC whose key is kept outside the store (services/audit_key.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from synergies.domain.calendar import Month
from synergies.domain.ledger import LedgerEntry
from synergies.domain.money import Money
from synergies.serialize import jsonable
from synergies.services import audit_key
from synergies.services.audit_key import Keyring
from synergies.services.security import Actor
from synergies.storage import audit_rows, sealed
from synergies.storage.audit_rows import AuditHead, AuditRecord
from synergies.storage.written import take_digests, take_written

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


def _body(prev: str, r: AuditRecord) -> bytes:
    """What a keyed record's HMAC covers: everything in it but its own hash."""
    fields = [prev, r.seq, r.at.isoformat(), r.actor, r.action, r.subject, r.before, r.after,
              r.key_id, r.written]  # fmt: skip
    return json.dumps(fields, ensure_ascii=False).encode()


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    subject: str,
    before: object = None,
    after: object = None,
) -> None:
    """Append one audit record, chained to the previous one, in the caller's transaction.

    The record is signed with the current audit key (services/audit_key.py) and carries
    digests of the ledger rows its change wrote. The first write to a store made before
    keying first appends an `audit.keyed` record that seals the unkeyed records before it
    and the ledger as it stands.
    """
    written = take_written(conn)  # before anything else reads or writes in the transaction
    # Advancing the head first takes the write lock, so concurrent writers chain in turn.
    head = audit_rows.advance_head(conn)
    if head is None:
        audit_rows.create_head(conn, 1, GENESIS)
        head = AuditHead(1, GENESIS)
    keyring = _keyring_for_writing(conn, head)
    if head.keyed_from is None:
        head = _start_keying(conn, keyring, head, actor, set(written.get("ledger", [])))
    _append(conn, keyring, head, actor.name, action, subject, snapshot(before), snapshot(after),
            _written_digests(conn, written.get("ledger", [])))  # fmt: skip


Change = tuple[str, str, object, object]  # action, subject, before, after


def record_many(conn: Connection, actor: Actor, changes: list[Change]) -> None:
    """Append one audit record per change, as `record` would one by one, in one batch.

    For changes that wrote no ledger rows (their records carry no digests): an import's
    thousands of new initiatives cost a few statements instead of a few each."""
    if take_written(conn).get("ledger"):
        raise RuntimeError("record_many is for changes that wrote no ledger rows")
    if not changes:
        return
    head = audit_rows.head(conn)
    if head is None or head.keyed_from is None:  # the first record creates or keys the chain
        record(conn, actor, *changes[0])
        changes = changes[1:]
        if not changes:
            return
    before = audit_rows.advance_head(conn, by=len(changes))
    if before is None:
        raise RuntimeError("the audit head vanished inside its own transaction")
    keyring = _keyring_for_writing(conn, replace(before, seq=before.seq - len(changes) + 1))
    at = datetime.now(UTC).replace(microsecond=0)
    prev, made = before.hash, []
    for seq, (action, subject, was, now) in enumerate(changes, before.seq - len(changes) + 1):
        unsigned = AuditRecord(seq, at, actor.name, action, subject, snapshot(was),
                               snapshot(now), prev, "", keyring.current, None)  # fmt: skip
        prev = keyring.sign(keyring.current, _body(prev, unsigned)) or ""
        made.append(replace(unsigned, hash=prev))
    audit_rows.append_many(conn, made)


def _keyring_for_writing(conn: Connection, head: AuditHead) -> Keyring:
    """The keyring, created on first use; refused if it lacks the key of the newest record
    (a lost or wrong key file would otherwise fork the chain under a fresh key)."""
    newest_key = audit_rows.key_of(conn, head.seq - 1) if head.seq > 1 else None
    if newest_key is None:
        return audit_key.load_or_create()
    keyring = audit_key.load()
    if keyring is None or newest_key not in keyring.secrets:
        raise audit_key.missing(audit_key.key_file(), newest_key if keyring else None)
    return keyring


def _start_keying(
    conn: Connection, keyring: Keyring, head: AuditHead, actor: Actor, fresh: set[int]
) -> AuditHead:
    """From here on every record is keyed; an older store is sealed by one keyed record."""
    if head.seq == 1:
        audit_rows.set_keyed_from(conn, 1)
        return replace(head, keyed_from=1)
    standing = [e.id for e in audit_rows.ledger_entries(conn) if e.id not in fresh]
    audit_rows.set_keyed_from(conn, head.seq)
    after = snapshot({"unkeyed_records": head.seq - 1, "ledger_entries": len(standing)})
    _append(conn, keyring, head, actor.name, "audit.keyed", "audit", None, after,
            _written_digests(conn, [i for i in standing if i is not None]))  # fmt: skip
    advanced = audit_rows.advance_head(conn)
    if advanced is None:  # the head was created above or by lock_writes
        raise RuntimeError("the audit head vanished inside its own transaction")
    return advanced


def _append(
    conn: Connection, keyring: Keyring, head: AuditHead, actor: str, action: str, subject: str,
    before: str | None, after: str | None, written: str | None,
) -> None:  # fmt: skip
    at = datetime.now(UTC).replace(microsecond=0)
    unsigned = AuditRecord(head.seq, at, actor, action, subject, before, after, head.hash, "",
                           keyring.current, written)  # fmt: skip
    mac = keyring.sign(keyring.current, _body(head.hash, unsigned))
    audit_rows.append(conn, replace(unsigned, hash=mac or ""))


def ledger_digest(
    entry: LedgerEntry, *, id: int | None = None, amount: Decimal | None = None,
    recorded_at: datetime | None = None,
) -> str:  # fmt: skip
    """The digest of a ledger entry as stored: what its audit record says was written.

    Every field, flat and in the dataclass's order (a generic snapshot costs five times as
    much, and an import digests every entry it adds). `id`, `amount`, `recorded_at`: the
    entry's as stored, where they differ from the entry's own (a batch just written).
    """
    e = entry
    fields = [
        e.partner, str(e.period),
        [str(e.amount.amount if amount is None else amount), e.amount.currency],
        e.category.value, e.source.value, e.author,
        (e.recorded_at if recorded_at is None else recorded_at).isoformat(), e.initiative_id,
        e.function, e.reverses, e.reason, e.illustrative, e.lineage, e.id if id is None else id,
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def ledger_digest_generic(entry: LedgerEntry) -> str:
    """`ledger_digest` field by field, as it was first written: the reference the explicit
    one above must agree with (tests/services/test_audit_digest.py)."""
    fields = [_flat(getattr(entry, name)) for name in _LEDGER_FIELDS]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


_LEDGER_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerEntry))


def _flat(value: object) -> object:
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, Money):
        return [str(value.amount), value.currency]
    if isinstance(value, Month):
        return str(value)
    return jsonable(value)


def _written_digests(conn: Connection, ledger_ids: Collection[int]) -> str | None:
    """The digests of the rows written: as the writer noted them, else read back."""
    known = take_digests(conn)
    if not ledger_ids:
        return None
    missing = [i for i in ledger_ids if i not in known]
    digests = {str(i): known[i] for i in ledger_ids if i in known}
    if missing:
        digests |= {str(e.id): ledger_digest(e) for e in audit_rows.ledger_entries(conn, missing)}
    return json.dumps({"ledger": digests}, sort_keys=True)


def seal(conn: Connection) -> None:
    """At the end of a service transaction: its last audit record takes the seals of the
    sealed tables it wrote (storage/sealed.py), each digested once, as the table stands.

    The first keyed write that finds the store never sealed (new, or made by an older
    release) seals every sealed table. A sealed table written with no audit record in the
    transaction is a programming error: the write is refused rather than left unsealed.
    """
    touched = sealed.take_touched(conn)
    wrote = sorted(touched & sealed.BY_NAME.keys())
    recorded = sealed.TRAIL in touched
    if not recorded:
        if wrote:
            raise RuntimeError(
                f"{', '.join(wrote)} written without an audit record: "
                "every change to a sealed table is recorded (ctx.audit)"
            )
        return
    head = audit_rows.head(conn)
    if head is None:
        raise RuntimeError("the audit head vanished inside its own transaction")
    if head.sealed_from is None:
        wrote = [s.name for s in sealed.SEALED]
        audit_rows.set_sealed_from(conn, head.seq)
    if not wrote:
        return
    last = audit_rows.record(conn, head.seq)
    if last is None or last.key_id is None:
        raise RuntimeError("a transaction's last audit record is missing or not keyed")
    written = json.loads(last.written) if last.written else {}
    written["tables"] = {name: sealed.digest(conn, sealed.BY_NAME[name]).plain() for name in wrote}
    resealed = replace(last, written=json.dumps(written, sort_keys=True))
    keyring = audit_key.load()
    mac = None if keyring is None else keyring.sign(last.key_id, _body(last.prev_hash, resealed))
    if mac is None:
        raise audit_key.missing(audit_key.key_file(), last.key_id)
    audit_rows.reseal(conn, last.seq, resealed.written or "", mac)


@dataclass(frozen=True, slots=True)
class AuditProblem:
    seq: int  # the audit record concerned; 0 if none (a row with no record)
    problem: str
    subject: str = "audit"  # what is wrong: the trail itself, or a row ("ledger/12")


def verify(
    rows: Iterable[AuditRecord], head: AuditHead | None, keyring: Keyring | None = None
) -> list[AuditProblem]:
    """Recompute the chain; any edited, deleted or inserted record breaks it.

    Unkeyed records (from before keying) are checked by their SHA-256 chain; keyed ones by
    their HMAC, which cannot be recomputed without the key. `keyring` may be None only if no
    record is keyed.
    """
    problems = []
    prev, expected_seq = GENESIS, 1
    keyed_from = head.keyed_from if head is not None else None
    for r in rows:
        if r.seq != expected_seq:
            problems.append(AuditProblem(expected_seq, f"record {expected_seq} is missing"))
        if r.prev_hash != prev:
            problems.append(AuditProblem(r.seq, "does not chain to the record before it"))
        problems += _check_hash(r, prev, keyed_from, keyring)
        prev, expected_seq = r.hash, r.seq + 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev):
        problems.append(AuditProblem(head.seq, "the newest records were deleted"))
    return problems


def _check_hash(
    r: AuditRecord, prev: str, keyed_from: int | None, keyring: Keyring | None
) -> list[AuditProblem]:
    if r.key_id is None:
        return _check_unkeyed(r, prev, keyed_from)
    if keyring is None:
        raise audit_key.missing(audit_key.key_file())
    mac = keyring.sign(r.key_id, _body(prev, r))
    if mac is None:
        return [AuditProblem(r.seq, f"signed with audit key {r.key_id}, which is not in "
                                    f"{keyring.path}: restore that key from its backup")]  # fmt: skip
    problems = []
    if keyed_from is None or r.seq < keyed_from:
        problems.append(AuditProblem(r.seq, "keyed, but the head says keying starts later "
                                            f"({keyed_from}): the head was edited"))  # fmt: skip
    if not hmac.compare_digest(mac, r.hash):
        problems.append(AuditProblem(r.seq, "content does not match its hash (edited)"))
    return problems


def _check_unkeyed(r: AuditRecord, prev: str, keyed_from: int | None) -> list[AuditProblem]:
    problems = []
    if keyed_from is not None and r.seq >= keyed_from:
        problems.append(AuditProblem(r.seq, f"not keyed, though every record from {keyed_from} "
                                            "is: re-chained without the key"))  # fmt: skip
    if r.written is not None:
        problems.append(AuditProblem(r.seq, "lists written rows but is not keyed"))
    digest = _digest(prev, r.seq, r.at.isoformat(), r.actor, r.action, r.subject, r.before,
                     r.after)  # fmt: skip
    if r.hash != digest:
        problems.append(AuditProblem(r.seq, "content does not match its hash (edited)"))
    return problems


def load_chain(conn: Connection) -> tuple[list[AuditRecord], AuditHead | None]:
    return audit_rows.records(conn), audit_rows.head(conn)
