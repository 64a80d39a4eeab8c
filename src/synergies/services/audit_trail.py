"""Reading and verifying the audit trail; checkpoints of its head; rotating its key."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection

from synergies.domain.errors import InvalidInput
from synergies.services import audit_checks, audit_key
from synergies.services.audit import AuditProblem, load_chain
from synergies.services.audit import verify as verify_chain
from synergies.services.audit_key import Keyring
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import (
    account_rows,
    alliance_rows,
    audit_rows,
    initiative_rows,
    plan_rows,
    sealed,
)
from synergies.storage.audit_rows import AuditRecord

CHECKPOINT_KIND = "synergies audit checkpoint"


def records(ctx: Context, subject: str | None = None) -> list[AuditRecord]:
    """Every record, or those whose subject starts with `subject` ("initiative/PUR-001")."""
    ctx.allow(Action.read_audit)
    with ctx.reading() as conn:
        return audit_rows.records(conn, subject)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at a moment, signed with the audit key: print it, keep it apart.

    `audit verify --against` later proves the chain still holds this head unchanged, which
    even someone holding both the store and the key cannot fake once the checkpoint is out
    of their reach (in a printed board pack, a mail, a ticket).
    """

    seq: int
    hash: str
    at: datetime
    key_id: str
    mac: str

    def text(self) -> str:
        return json.dumps({"kind": CHECKPOINT_KIND, "seq": self.seq, "hash": self.hash,
                           "at": self.at.isoformat(), "key": self.key_id, "mac": self.mac})  # fmt: skip


@dataclass
class Verification:
    """What `audit verify` found: every problem, and what was checked."""

    records: int
    keyed_records: int
    ledger_entries_checked: int
    ledger_entries_unchecked: int  # from before keying, described by no record in full
    problems: list[AuditProblem] = field(default_factory=list)
    tables_sealed: int = 0  # tables checked against their seals (storage/sealed.py)
    unsealed: list[str] = field(default_factory=list)  # not sealed yet: an older store
    checkpoint: Checkpoint | None = None  # the one verified against, if any

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(ctx: Context) -> tuple[list[AuditProblem], int]:
    """The problems found and the number of records (see `verification`)."""
    found = verification(ctx)
    return found.problems, found.records


def verification(ctx: Context, against: str | None = None) -> Verification:
    """Check the chain (hashes and HMACs), the ledger row by row, the current records of
    initiatives, accounts, partners, shareholdings, targets and plans against the trail,
    every sealed table against its newest seal, and, given a checkpoint's text, that the
    chain still holds that head. Every problem is reported."""
    ctx.allow(Action.read)
    checkpoint = parse_checkpoint(against) if against is not None else None
    with ctx.reading() as conn:
        rows, head = load_chain(conn)
        keyring = _keyring_if_needed(rows, checkpoint)
        problems = verify_chain(rows, head, keyring)
        keyed_from = head.keyed_from if head is not None else None
        ledger = audit_checks.check_ledger(
            rows, audit_rows.ledger_entries(conn), keyed_from=keyed_from
        )
        problems += ledger.problems + _current_records(conn, rows)
        tables = audit_checks.check_tables(
            rows,
            lambda name, with_rows: sealed.digest(
                conn, sealed.BY_NAME[name], rows_always=with_rows
            ),
            problems,
        )
        problems += tables.problems
    if checkpoint is not None:
        problems += _against(checkpoint, rows, keyring)
    return Verification(
        records=len(rows), keyed_records=sum(r.key_id is not None for r in rows),
        ledger_entries_checked=ledger.checked, ledger_entries_unchecked=ledger.unchecked,
        problems=problems, checkpoint=checkpoint,
        tables_sealed=len(sealed.SEALED) - len(tables.unsealed), unsealed=tables.unsealed,
    )  # fmt: skip


def _keyring_if_needed(rows: list[AuditRecord], checkpoint: Checkpoint | None) -> Keyring | None:
    """The keyring; its absence is an error only if some record or the checkpoint is keyed."""
    keyring = audit_key.load()
    if keyring is None and (checkpoint is not None or any(r.key_id for r in rows)):
        raise audit_key.missing(audit_key.key_file())
    return keyring


def _current_records(conn: Connection, rows: list[AuditRecord]) -> list[AuditProblem]:
    return (
        audit_checks.check_initiatives(rows, initiative_rows.load_initiatives(conn))
        + audit_checks.check_users(rows, account_rows.load_users(conn))
        + audit_checks.check_plans(rows, plan_rows.load_plans(conn))
        + audit_checks.check_structure(
            rows,
            alliance_rows.load_partners(conn).values(),
            alliance_rows.load_shareholdings(conn),
            alliance_rows.load_targets(conn),
        )
    )


def checkpoint(ctx: Context) -> Checkpoint:
    """The chain's head now, signed with the current audit key."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        head = audit_rows.head(conn)
    keyring = audit_key.load_or_create()
    seq, digest = (head.seq, head.hash) if head is not None else (0, "0" * 64)
    at = datetime.now(UTC).replace(microsecond=0)
    return Checkpoint(seq, digest, at, keyring.current,
                      _checkpoint_mac(keyring, keyring.current, seq, digest, at) or "")  # fmt: skip


def _checkpoint_mac(
    keyring: Keyring, key_id: str, seq: int, digest: str, at: datetime
) -> str | None:
    return keyring.sign(key_id, f"{CHECKPOINT_KIND}|{seq}|{digest}|{at.isoformat()}".encode())


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from the text `checkpoint` printed; refused, saying why, if malformed."""
    try:
        document = json.loads(text)
        if document.get("kind") != CHECKPOINT_KIND:
            raise ValueError("not a checkpoint")
        return Checkpoint(int(document["seq"]), str(document["hash"]),
                          datetime.fromisoformat(document["at"]), str(document["key"]),
                          str(document["mac"]))  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InvalidInput(
            "this is not an audit checkpoint", field="checkpoint",
            fix='give the JSON line that "audit checkpoint" printed',
        ) from None  # fmt: skip


def _against(
    checkpoint: Checkpoint, rows: list[AuditRecord], keyring: Keyring | None
) -> list[AuditProblem]:
    """The checkpoint is genuine, and the chain still holds its head unchanged."""
    c = checkpoint
    if keyring is None:
        raise audit_key.missing(audit_key.key_file())
    mac = _checkpoint_mac(keyring, c.key_id, c.seq, c.hash, c.at)
    if mac is None:
        return [AuditProblem(c.seq, f"the checkpoint is signed with audit key {c.key_id}, "
                             f"which is not in {keyring.path}", "checkpoint")]  # fmt: skip
    if not hmac.compare_digest(mac, c.mac):
        return [AuditProblem(c.seq, "the checkpoint is not genuine (its signature does not "
                             "match)", "checkpoint")]  # fmt: skip
    if c.seq == 0:
        return []
    held = next((r for r in rows if r.seq == c.seq), None)
    if held is None or held.hash != c.hash:
        return [AuditProblem(c.seq, f"record {c.seq} is not the one checkpointed at "
                             f"{c.at.isoformat()}: history before it was rewritten",
                             "checkpoint")]  # fmt: skip
    return []


def rotate_key(ctx: Context) -> tuple[str, str | None]:
    """Make a fresh audit key current, keeping the old ones to verify older records; the
    rotation is itself recorded (signed with the new key). (new id, previous id)."""
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        keyring, previous = audit_key.rotate()
        ctx.audit(conn, "audit.rotate_key", "audit",
                  after={"key": keyring.current, "previous": previous})  # fmt: skip
    return keyring.current, previous


LEDGER_APPENDS = frozenset({"ledger.add", "ledger.import", "ledger.reverse", "measurement.post"})
REPORT_INPUTS = ("target.", "fx.", "partner.", "ledger.")
# Sign-ins, tokens and account changes: no derived figure (report, forecast) depends on them,
# so a cached figure outlives them (never a cached answer about who may do what).
ACCOUNT_ACTIONS = ("user.", "session.", "token.")


def report_inputs_unchanged_but_appends(conn: Connection, since: int) -> bool:
    """Since audit record `since`, did the report's inputs (targets, FX, partners, ledger)
    change only by ledger appends? Then a tally can follow by adding the new entries."""
    actions = audit_rows.actions_since(conn, since)
    return not {a for a in actions if a.startswith(REPORT_INPUTS)} - LEDGER_APPENDS
