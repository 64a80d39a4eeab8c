"""The backtest of the forecast, its calibration and the uncertainty settings in force.

Each past as-of year is forecast from what the store knew then and scored on what the ledger
realized. As-of years outside the realized years (each needs a realized year after it) are
not found (404), as a store with nothing realized is. Reading is for every signed-in reader;
recording settings (a fit, or the defaults again) is the alliance admin's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS, WRITE_ERRORS
from synergies.schemas.backtest import (
    BacktestOut,
    CalibrateIn,
    CalibrationOut,
    ResetIn,
    SettingsOut,
)
from synergies.schemas.forecast import SettingsVersionOut
from synergies.services import backtest as service
from synergies.services import forecast_settings

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


@router.get("/forecast/settings")
def settings(ctx: ContextDep) -> SettingsOut:
    """The uncertainty settings forecasts run on now, and every recorded version."""
    return SettingsOut.of(forecast_settings.current(ctx), forecast_settings.versions(ctx))


@router.post("/forecast/settings", status_code=201, responses=WRITE_ERRORS)
def apply_calibration(ctx: ContextDep, body: CalibrateIn) -> CalibrationOut:
    """Fit the uncertainty on the backtest and record the fit (alliance admin, audited); 409
    with nothing written if it does not beat the defaults out of sample."""
    outcome, version = service.calibrate_and_apply(
        ctx, note=body.note, first=body.from_, last=body.to, horizons=body.horizon,
        trials=body.trials, seed=body.seed,
    )  # fmt: skip
    return CalibrationOut.of(outcome, version)


@router.post("/forecast/settings/defaults", status_code=201, responses=WRITE_ERRORS)
def reset_settings(ctx: ContextDep, body: ResetIn) -> SettingsVersionOut:
    """Put the documented defaults back in force, as a new version (alliance admin)."""
    return SettingsVersionOut.of(forecast_settings.reset(ctx, body.note))
