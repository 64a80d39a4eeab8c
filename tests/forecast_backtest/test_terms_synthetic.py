"""Growth and intake on synthetic histories whose truth is known (issue 25's "Done means").

200 histories per scenario, none tuned on the example: S0 a closed portfolio, S1 Poisson
intake of new initiatives, S2 intake and 8%/yr organic growth. Each history has 8 as-of
years; the first two are its warm-up and are not scored: at the first as-of year no earlier
year says anything of growth or intake (the example's store has the same limit), and at the
second one year of arrivals says little. The terms are still fitted and chosen on all years.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from synergies.forecasting.backtest import Point, Run, by_horizon, scores
from synergies.forecasting.term_choice import choose_terms
from tests.forecast_backtest.synthetic import (
    FIRST,
    HORIZONS,
    NO_SLIP,
    S0,
    S1,
    S2,
    Scenario,
    synthetic_history,
)

HISTORIES = 200
WARM_UP = 2
RUN = Run(horizons=HORIZONS, trials=2_000, seed=7, workers=1)

pytestmark = pytest.mark.slow


def _points(scenario: Scenario) -> list[Point]:
    found: list[Point] = []
    for seed in range(HISTORIES):
        cases, truth, facts = synthetic_history(scenario, seed)
        chosen = choose_terms(cases, truth, RUN, NO_SLIP, facts)
        found += [p for p in chosen.points if p.as_of >= FIRST + WARM_UP]
    return found


def _score(points: Sequence[Point], name: str) -> float:
    value = next(s for s in scores(points) if s.name == name).value
    assert value is not None
    return value


def _relative_bias(points: Sequence[Point]) -> float:
    return _score(points, "bias") / (sum(p.realized for p in points) / len(points))


def test_a_closed_portfolio_keeps_nominal_coverage_and_no_bias() -> None:
    for horizon, points in by_horizon(_points(S0)).items():
        assert 0.75 <= _score(points, "coverage P10-P90") <= 0.88, horizon
        assert abs(_relative_bias(points)) <= 0.03, horizon


@pytest.mark.parametrize("scenario", [S1, S2], ids=["S1 intake", "S2 intake and growth"])
def test_intake_and_growth_are_forecast_within_their_bands(scenario: Scenario) -> None:
    points = _points(scenario)
    horizons = by_horizon(points)
    assert 0.80 <= _score(horizons[1], "coverage P10-P90") <= 0.92
    assert _score(horizons[3], "coverage P10-P90") >= 0.72
    assert 0.42 <= _score(points, "mean PIT") <= 0.58
    for horizon, found in horizons.items():
        assert abs(_relative_bias(found)) <= 0.05, horizon
