"""Calibration moves location as well as spread: the spread widens bands around the median,
and a fit whose error is mostly location is refused."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict
from synergies.forecasting import Baseline, ForecastInitiative, Portfolio
from synergies.forecasting.backtest import Case, Point, Run, Uncertainty, simulate_case
from synergies.forecasting.fit import Fit
from synergies.services.backtest import CalibrationOutcome, Span, apply_fit
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.forecast_backtest.synthetic import portfolio

RUN = Run(horizons=1, trials=20_000, seed=5, workers=1)


def test_the_recentring_factor_is_hand_checkable() -> None:
    # spread x2 on sigma 0.5: exp((4 - 1) * 0.25 / 2) = exp(0.375)
    assert float(Uncertainty(spread=2.0).recentre(0.5)) == pytest.approx(math.exp(0.375))
    assert Uncertainty().recentre(0.5) == Decimal(1)


@pytest.mark.parametrize(
    "chosen",
    [
        Portfolio((), Baseline(2015, Decimal(1_000_000_000), 0.05)),
        Portfolio((ForecastInitiative("I1", "purchasing", "L4", Decimal(300_000_000),
                                      Month(2015, 1), probability=1.0),),
                  Baseline(2015, Decimal(0))),
    ],
    ids=["baseline", "initiative"],
)  # fmt: skip
def test_widening_the_spread_keeps_the_median_and_widens_both_ways(chosen: Portfolio) -> None:
    # One lognormal each: the median is what the spread must not move (a sum's median
    # does move, as skewed parts add up).
    case = Case(2015, chosen, known={})
    narrow = simulate_case(case, RUN, Uncertainty())[:, 0]
    wide = simulate_case(case, RUN, Uncertainty(spread=6.0))[:, 0]
    assert np.median(wide) == pytest.approx(np.median(narrow), rel=0.01)
    assert np.quantile(wide, 0.1) < np.quantile(narrow, 0.1)
    assert np.quantile(wide, 0.9) > np.quantile(narrow, 0.9)


def test_the_defaults_leave_the_portfolio_untouched() -> None:
    chosen = portfolio(2015)
    assert Uncertainty().portfolio(chosen) is chosen


def _point(realized: float, p50: float, crps: float) -> Point:
    q = (p50 - 20, p50 - 10, p50, p50 + 10, p50 + 20)
    return Point(2015, 2016, q, p50, realized, 0.5, crps)


def _fit(points: tuple[Point, ...]) -> Fit:
    chosen = Uncertainty(spread=2.0)
    return Fit(Uncertainty(), chosen, points, points, 1.0, 0.5, {}, (Uncertainty(), chosen,
               Uncertainty(spread=3.0), Uncertainty(spread=0.5)))  # fmt: skip


def test_bias_and_crps_of_a_fit_are_the_means_of_its_points() -> None:
    # realized - P50: +100 and +60 -> bias 80; CRPS 90 and 70 -> 80: 80 > 40, biased
    found = _fit((_point(1100, 1000, 90), _point(1060, 1000, 70)))
    assert found.bias == pytest.approx(80.0) and found.crps == pytest.approx(80.0)
    assert found.biased
    # +30 and -10 -> bias 10 against CRPS 80: mostly spread, not refused on location
    assert not _fit((_point(1030, 1000, 90), _point(990, 1000, 70))).biased


def test_a_biased_fit_is_refused_naming_its_bias_and_crps(db: str) -> None:
    ctx = Context(Store.open(db), local_operator())
    found = _fit((_point(1100, 1000, 90), _point(1060, 1000, 70)))
    outcome = CalibrationOutcome(Span(2009, 2016, 1, "effective"), RUN, found)
    with pytest.raises(Conflict, match=r"bias of \+80 EUR against a mean CRPS of 80 EUR"):
        apply_fit(ctx, outcome)
