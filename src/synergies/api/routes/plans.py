"""Locked plans: freeze the approved plan under a name, read it, compare against it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS, WRITE_ERRORS
from synergies.schemas.plans import LockedPlanOut, PlanComparisonOut, PlanIn, PlanSummaryOut
from synergies.services import plans

router = APIRouter(prefix="/plans", tags=["plans"], responses=READ_ERRORS)
NamePath = Annotated[str, Path(min_length=1, max_length=100, description="The plan's name.")]


@router.get("")
def list_plans(ctx: ContextDep) -> list[PlanSummaryOut]:
    """The locked plans, oldest first."""
    return [PlanSummaryOut.of(p) for p in plans.list_plans(ctx)]


@router.post("", status_code=201, responses=WRITE_ERRORS)
def lock(ctx: ContextDep, body: PlanIn) -> LockedPlanOut:
    """Freeze every approved (L3+) initiative's figures under a new name (who manages
    initiatives). A name is used once: locking it again is refused with 409."""
    return LockedPlanOut.of(plans.lock(ctx, body.name))


@router.get("/{name}")
def get_plan(ctx: ContextDep, name: NamePath) -> LockedPlanOut:
    """A locked plan with every initiative it froze."""
    return LockedPlanOut.of(plans.get(ctx, name))


@router.get("/{name}/compare")
def compare(
    ctx: ContextDep,
    name: NamePath,
    year: Annotated[
        int | None, Query(ge=1900, le=2199, description="Year of realized savings. Default: now.")
    ] = None,
) -> PlanComparisonOut:
    """The working forecast and the realized ledger against a locked plan, EUR."""
    return PlanComparisonOut.of(plans.compare(ctx, name, year))
