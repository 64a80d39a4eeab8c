"""Partners of the alliance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import PartnerIn, PartnerOut
from synergies.services import structure

router = APIRouter(prefix="/partners", tags=["partners"], responses=WRITE_ERRORS)
CodePath = Annotated[str, Path(min_length=2, max_length=20, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]


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
