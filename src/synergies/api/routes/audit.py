"""The hash-chained audit trail: read it, verify it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from synergies.api.deps import ContextDep, PagingDep
from synergies.api.pages import Page, cut
from synergies.api.problems import READ_ERRORS
from synergies.schemas.audit import AuditProblemOut, AuditRecordOut, VerifyOut
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
def verify(ctx: ContextDep) -> VerifyOut:
    """Recompute the hash chain: any edited, deleted or inserted record is reported."""
    problems, count = audit_trail.verify(ctx)
    return VerifyOut(
        intact=not problems, records=count, problems=[AuditProblemOut.of(p) for p in problems]
    )
