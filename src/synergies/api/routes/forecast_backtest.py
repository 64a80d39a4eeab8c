"""The backtest of the forecast: read-only, for every signed-in reader.

Each past as-of year is forecast from what the store knew then and scored on what the ledger
realized. As-of years outside the realized years (each needs a realized year after it) are
not found (404), as a store with nothing realized is.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS
from synergies.schemas.backtest import BacktestOut
from synergies.services import backtest as service

router = APIRouter(tags=["forecast"], responses=READ_ERRORS)
MAX_BACKTEST_TRIALS = 50_000
"""Trials per as-of year one request may ask for (the whole backtest runs one per year)."""


@router.get("/forecast/backtest")
def backtest(
    ctx: ContextDep,
    from_: Annotated[
        int | None,
        Query(
            alias="from",
            ge=1900,
            le=2199,
            description="First as-of year (default: the first realized year).",
        ),
    ] = None,
    to: Annotated[
        int | None,
        Query(
            ge=1900,
            le=2199,
            description="Last as-of year (default: the year before the last realized).",
        ),
    ] = None,
    horizon: Annotated[int, Query(ge=1, le=3, description="Years forecast after each.")] = 3,
    trials: Annotated[
        int, Query(ge=1, le=MAX_BACKTEST_TRIALS, description="Monte Carlo trials per year.")
    ] = 10_000,
    seed: Annotated[
        int, Query(ge=0, le=2**63 - 1, description="The same seed gives the same figures.")
    ] = 2016,
    dating: Annotated[
        Literal["recorded", "effective"] | None,
        Query(
            description="How facts are dated (default: recorded if the store has records "
            "that old, else effective)."
        ),
    ] = None,
) -> BacktestOut:
    """Coverage, PIT, CRPS, pinball, bias, Brier and skill of the forecast on past years."""
    outcome = service.run_backtest(
        ctx, first=from_, last=to, horizons=horizon, trials=trials, seed=seed, dating=dating
    )
    return BacktestOut.of(outcome)
