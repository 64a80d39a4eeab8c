"""Shareholdings and look-through ownership."""

from __future__ import annotations

from fastapi import APIRouter

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import (
    InterestOut,
    OwnershipOut,
    ShareholdingIn,
    ShareholdingOut,
)
from synergies.services import structure

router = APIRouter(prefix="/ownership", tags=["ownership"], responses=WRITE_ERRORS)


@router.get("")
def get_ownership(ctx: ContextDep) -> OwnershipOut:
    """Direct stakes, and each holder's look-through interest through every path."""
    found = structure.ownership(ctx)
    return OwnershipOut(
        holdings=[ShareholdingOut.of(h) for h in found.holdings],
        interests=[InterestOut.of(i) for i in found.interests],
    )


@router.post("/shareholdings", status_code=201)
def add_shareholding(ctx: ContextDep, body: ShareholdingIn) -> ShareholdingOut:
    """Record a stake of one company in another (alliance admin)."""
    holding = body.to_domain()
    structure.add_shareholding(ctx, holding)
    return ShareholdingOut.of(holding)
