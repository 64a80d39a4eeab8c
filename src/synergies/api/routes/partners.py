"""Partners of the alliance."""

from __future__ import annotations

from fastapi import APIRouter

from synergies.api.deps import CodePath, ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import PartnerIn, PartnerOut
from synergies.services import structure

router = APIRouter(prefix="/partners", tags=["partners"], responses=WRITE_ERRORS)


@router.get("")
def list_partners(ctx: ContextDep) -> list[PartnerOut]:
    """Every partner (and outside party), by code."""
    return [PartnerOut.of(p) for p in structure.partners(ctx).values()]


@router.get("/{code}")
def get_partner(ctx: ContextDep, code: CodePath) -> PartnerOut:
    """One partner."""
    return PartnerOut.of(structure.partner(ctx, code))


@router.post("", status_code=201)
def add_partner(ctx: ContextDep, body: PartnerIn) -> PartnerOut:
    """Add a partner (alliance admin)."""
    partner = body.to_domain()
    structure.add_partner(ctx, partner)
    return PartnerOut.of(partner)
