"""The audit trail: records, the result of verifying it, and checkpoints of its head."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from synergies.services.audit import AuditProblem
from synergies.services.audit_trail import Checkpoint, Verification
from synergies.storage.audit_rows import AuditRecord

# A checkpoint as GET /audit/checkpoint or `audit checkpoint` gives it (keys in that order,
# with or without spaces): what services.audit_trail.parse_checkpoint reads, a real date.
_LEAP_YEAR = r"(19(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))"
_DAY = (
    r"((19|20|21)[0-9]{2}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12]"
    r"[0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|" + _LEAP_YEAR + r"-02-29)"
)
_TIME = (
    r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
CHECKPOINT_PATTERN = (
    r'^\{"kind": ?"synergies audit checkpoint", ?"seq": ?(0|[1-9][0-9]{0,17}), ?"hash": ?'
    r'"[0-9a-f]{64}", ?"at": ?"' + _DAY + "T" + _TIME + r'", ?"key": ?"[A-Za-z0-9_-]{1,40}", ?'
    r'"mac": ?"[0-9a-f]{64}"\}$'
)


class AuditRecordOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str
    key_id: str | None = Field(description="The audit key that signed it; null: unkeyed, "
                               "from before the store was keyed.")  # fmt: skip
    written: str | None = Field(description="Digests of the ledger rows the change wrote.")

    @classmethod
    def of(cls, r: AuditRecord) -> AuditRecordOut:
        return cls(
            seq=r.seq, at=r.at, actor=r.actor, action=r.action, subject=r.subject,
            before=r.before, after=r.after, prev_hash=r.prev_hash, hash=r.hash,
            key_id=r.key_id, written=r.written,
        )  # fmt: skip


class AuditProblemOut(BaseModel):
    seq: int = Field(description="The audit record concerned; 0: none (a row with no record).")
    subject: str = Field(description='What is wrong: "audit" (the trail itself), '
                         '"checkpoint", or a row such as "ledger/12" or "initiative/PUR-003".')  # fmt: skip
    problem: str

    @classmethod
    def of(cls, p: AuditProblem) -> AuditProblemOut:
        return cls(seq=p.seq, subject=p.subject, problem=p.problem)


class CheckpointOut(BaseModel):
    """The chain's head, signed with the audit key: keep it outside the store."""

    kind: str
    seq: int
    hash: str
    at: datetime
    key: str
    mac: str

    @classmethod
    def of(cls, c: Checkpoint) -> CheckpointOut:
        return cls.model_validate_json(c.text())


class VerifyOut(BaseModel):
    intact: bool
    records: int
    keyed_records: int = Field(description="Records signed with an audit key (HMAC).")
    ledger_entries_checked: int = Field(description="Ledger entries compared with the trail.")
    ledger_entries_unchecked: int = Field(
        description="Entries from before the store was keyed that no record describes in full."
    )
    checkpoint: CheckpointOut | None = Field(description="The checkpoint verified against.")
    tables_sealed: int = Field(description="Tables compared with their newest seal.")
    unsealed: list[str] = Field(
        description="Tables not sealed yet (a store from before sealing): the next change "
        "seals them."
    )
    problems: list[AuditProblemOut]

    @classmethod
    def of(cls, v: Verification) -> VerifyOut:
        return cls(
            intact=v.intact, records=v.records, keyed_records=v.keyed_records,
            ledger_entries_checked=v.ledger_entries_checked,
            ledger_entries_unchecked=v.ledger_entries_unchecked,
            checkpoint=CheckpointOut.of(v.checkpoint) if v.checkpoint else None,
            tables_sealed=v.tables_sealed, unsealed=v.unsealed,
            problems=[AuditProblemOut.of(p) for p in v.problems],
        )  # fmt: skip
