"""Business functions and their convergence history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import FunctionIn, FunctionOut
from synergies.services import structure

router = APIRouter(prefix="/functions", tags=["functions"], responses=WRITE_ERRORS)
KeyPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get("")
def list_functions(ctx: ContextDep) -> list[FunctionOut]:
    """Every function, its convergence stage today and its history."""
    today = ctx.clock().date()
    return [FunctionOut.of(f, today) for f in structure.functions(ctx).values()]


@router.get("/{code}")
def get_function(ctx: ContextDep, code: KeyPath) -> FunctionOut:
    """One function and its convergence history."""
    return FunctionOut.of(structure.function(ctx, code), ctx.clock().date())


@router.post("", status_code=201)
def add_function(ctx: ContextDep, body: FunctionIn) -> FunctionOut:
    """Add a business function (alliance admin)."""
    function = body.to_domain()
    structure.add_function(ctx, function)
    return FunctionOut.of(function, ctx.clock().date())
