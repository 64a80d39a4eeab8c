"""The forecast, the what-if and the payback: read-only, for every signed-in reader.

The forecast and the what-if are Monte Carlo runs: the same seed gives the same figures, and
a request may ask for at most 200,000 trials. They start from a realized year (`as_of`, or
else the latest): one with no realized synergies is not found (404). The target year comes
after it, at most 30 years on: refused with 422 against the `as_of` you give, and with 409
against the latest realized year when you give none (the store's data decides).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS, documented
from synergies.domain.calendar import Month
from synergies.schemas.common import MonthText
from synergies.schemas.forecast import (
    MAX_TRIALS,
    ForecastOut,
    PaybackReportOut,
    WhatIfIn,
    WhatIfOut,
)
from synergies.services import forecasts
from synergies.services.forecasts import MAX_HORIZON_YEARS
from synergies.services.whatif import what_if as run_what_if

router = APIRouter(tags=["forecast"], responses=READ_ERRORS)
YearQuery = Annotated[
    int, Query(ge=1900, le=2199, description="The last year to forecast: after the realized "
                                             f"year it starts from, at most {MAX_HORIZON_YEARS} "
                                             "years on.")
]  # fmt: skip
AsOfQuery = Annotated[
    int | None,
    Query(
        ge=1900,
        le=2199,
        description="Forecast from the end of this realized year "
        "(default: the latest), from what the store knew then "
        "(2015: the view of March 2016).",
    ),
]
RegisterQuery = Annotated[
    bool,
    Query(description="With as_of: today's register seen from that year, not what the store "
                      "knew then."),
]  # fmt: skip
TrialsQuery = Annotated[int, Query(ge=1, le=MAX_TRIALS, description="Monte Carlo trials.")]
SeedQuery = Annotated[
    int, Query(ge=0, le=2**63 - 1, description="The same seed gives the same figures.")
]
RhoQuery = Annotated[
    float, Query(ge=0, le=1, description="Weight of the shared function factor (0: independent).")
]


@router.get("/forecast", responses=documented(409))
def forecast(
    ctx: ContextDep,
    target_year: YearQuery = 2018,
    as_of: AsOfQuery = None,
    trials: TrialsQuery = 100_000,
    seed: SeedQuery = 2016,
    rho: RhoQuery = 0.3,
    register: RegisterQuery = False,
) -> ForecastOut:
    """P10/P50/P90 of each year, the odds of each target and what drives the uncertainty."""
    outcome = forecasts.run_forecast(
        ctx,
        target_year=target_year,
        as_of=as_of,
        trials=trials,
        seed=seed,
        rho=rho,
        known_then=not register,
    )
    return ForecastOut.of(outcome)


@router.post("/forecast/whatif", responses=documented(409))
def what_if(ctx: ContextDep, body: WhatIfIn) -> WhatIfOut:
    """The forecast with and without hypothetical moves, on the same draws.

    A POST because the moves are a JSON list; nothing is written to the plan or the ledger.
    """
    outcome = run_what_if(
        ctx, [m.to_domain() for m in body.moves], target_year=body.target_year,
        as_of=body.as_of, trials=body.trials, seed=body.seed, rho=body.rho,
    )  # fmt: skip
    return WhatIfOut.of(outcome)


@router.get("/payback")
def payback(
    ctx: ContextDep,
    initiative: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=40,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
            description="Only this initiative (and the alliance total).",
        ),
    ] = None,
    until: Annotated[MonthText, Query(description="The last month to count.")] = "2020-12",
) -> PaybackReportOut:
    """One-off costs against cumulative savings on the plan, and each payback month.

    Not found (404): an initiative with no figures, or an `until` before a month the plan
    of each initiative counted has (its first cost or saving)."""
    outcome = forecasts.payback(ctx, initiative, Month.parse(until, field="until"))
    return PaybackReportOut.of(outcome)
