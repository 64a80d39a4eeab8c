"""Agreements and their dated scope: is an activity inside on a date?"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from synergies.api.deps import CodePath, ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import AgreementIn, AgreementOut, ScopeOut
from synergies.services import structure

router = APIRouter(prefix="/agreements", tags=["agreements"], responses=WRITE_ERRORS)
# Printable, with a letter or digit: domain.agreements.activity_key keeps only those.
ACTIVITY_PATTERN = r"^[^\x00-\x1f\x7f]*[A-Za-z0-9][^\x00-\x1f\x7f]*$"


@router.get("")
def list_agreements(ctx: ContextDep) -> list[AgreementOut]:
    """Every agreement with its clauses and amendments."""
    return [AgreementOut.of(a) for a in structure.agreements(ctx).values()]


@router.get("/{code}")
def get_agreement(ctx: ContextDep, code: CodePath) -> AgreementOut:
    """One agreement."""
    return AgreementOut.of(structure.agreement(ctx, code))


@router.get("/{code}/scope")
def check_scope(
    ctx: ContextDep,
    code: CodePath,
    activity: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            pattern=ACTIVITY_PATTERN,
            description="Matched ignoring case and punctuation: it needs a letter or digit.",
        ),
    ],
    on: Annotated[date, Query(description="The day to ask about.")],
) -> ScopeOut:
    """Is `activity` inside the agreement on `on`, and which clause decides."""
    return ScopeOut.of(structure.check_scope(ctx, code, activity, on))


@router.post("", status_code=201)
def add_agreement(ctx: ContextDep, body: AgreementIn) -> AgreementOut:
    """Record an agreement (alliance admin)."""
    agreement = body.to_domain()
    structure.add_agreement(ctx, agreement)
    return AgreementOut.of(agreement)
