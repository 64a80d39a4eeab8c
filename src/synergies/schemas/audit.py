"""The audit trail: records and the result of verifying the hash chain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from synergies.services.audit import AuditProblem
from synergies.storage.audit_rows import AuditRecord


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

    @classmethod
    def of(cls, r: AuditRecord) -> AuditRecordOut:
        return cls(
            seq=r.seq, at=r.at, actor=r.actor, action=r.action, subject=r.subject,
            before=r.before, after=r.after, prev_hash=r.prev_hash, hash=r.hash,
        )  # fmt: skip


class AuditProblemOut(BaseModel):
    seq: int
    problem: str

    @classmethod
    def of(cls, p: AuditProblem) -> AuditProblemOut:
        return cls(seq=p.seq, problem=p.problem)


class VerifyOut(BaseModel):
    intact: bool
    records: int
    problems: list[AuditProblemOut]
