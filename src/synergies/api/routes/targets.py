"""Yearly synergy targets, alliance-wide or per function."""

from __future__ import annotations

from fastapi import APIRouter

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import TargetIn, TargetOut
from synergies.services import structure

router = APIRouter(prefix="/targets", tags=["targets"], responses=WRITE_ERRORS)


@router.get("")
def list_targets(ctx: ContextDep) -> list[TargetOut]:
    """Every target, by year."""
    return [TargetOut.of(t) for t in structure.targets(ctx)]


@router.post("", status_code=201)
def add_target(ctx: ContextDep, body: TargetIn) -> TargetOut:
    """Set a target (alliance admin)."""
    target = body.to_domain()
    structure.add_target(ctx, target)
    return TargetOut.of(target)
