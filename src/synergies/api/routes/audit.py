"""The keyed, hash-chained audit trail: read it, verify it, checkpoint its head."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import WithJsonSchema

from synergies.api.deps import ContextDep, PagingDep
from synergies.api.pages import Page, cut
from synergies.api.problems import READ_ERRORS
from synergies.schemas.audit import (
    CHECKPOINT_PATTERN,
    AuditRecordOut,
    CheckpointOut,
    VerifyOut,
)
from synergies.services import audit_trail

router = APIRouter(prefix="/audit", tags=["audit"], responses=READ_ERRORS)


@router.get("")
def list_records(
    ctx: ContextDep,
    paging: PagingDep,
    subject: Annotated[
        str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_./-]*$",
                          description="Only subjects starting so, e.g. initiative/PUR-003.")
    ] = None,
) -> Page[AuditRecordOut]:  # fmt: skip
    """Every change: who, when, what, before and after (alliance admin and clean team)."""
    items, total = cut(audit_trail.records(ctx, subject or None), paging)
    return Page(
        items=[AuditRecordOut.of(r) for r in items], total=total, limit=paging.limit,
        offset=paging.offset,
    )  # fmt: skip


@router.get("/verify")
def verify(
    ctx: ContextDep,
    against: Annotated[
        str | None, Query(max_length=1000, description="A checkpoint (the JSON that "
                          "/audit/checkpoint gave): the chain must still hold that head."),
        WithJsonSchema({"type": "string", "maxLength": 1000, "pattern": CHECKPOINT_PATTERN}),
    ] = None,
) -> VerifyOut:  # fmt: skip
    """Verify the chain (hashes and keyed HMACs), every ledger entry and the current
    initiatives, accounts and plans against the trail; every problem is reported."""
    return VerifyOut.of(audit_trail.verification(ctx, against))


@router.get("/checkpoint")
def checkpoint(ctx: ContextDep) -> CheckpointOut:
    """The chain's head (seq, hash), signed with the audit key: keep it outside the store
    (the board pack prints it) and verify against it later."""
    return CheckpointOut.of(audit_trail.checkpoint(ctx))
