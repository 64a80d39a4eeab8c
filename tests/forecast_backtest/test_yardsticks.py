"""Probabilistic yardsticks: a trend and a log-growth line with t-intervals, and their
ensemble weighted by leave-one-year-out CRPS, fitted on what was known at each as-of year."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from synergies.forecasting import Baseline, Portfolio
from synergies.forecasting.backtest import Case, Point, points_of, scores
from synergies.forecasting.scores import sample_crps
from synergies.forecasting.yardsticks import (
    ENSEMBLE,
    LOG_GROWTH,
    TREND,
    Yardsticks,
    fit_line,
    log_growth,
    trend,
    weights,
)

LINEAR = {2010: 1.0, 2011: 2.0, 2012: 3.0, 2013: 4.0}
DOUBLING = {2010: 1.0, 2011: 2.0, 2012: 4.0, 2013: 8.0}


def test_the_line_and_its_prediction_scale_are_hand_checkable() -> None:
    # y = 1, 3, 2, 4 at x = 0..3: slope 0.8, intercept 1.3, residuals -0.3, 0.9, -0.9, 0.3:
    # s^2 = 1.8 / 2 = 0.9; at x = 4: s sqrt(1 + 1/4 + 2.5^2 / 5) = sqrt(0.9 * 2.5) = 1.5
    line = fit_line([0, 1, 2, 3], [1, 3, 2, 4])
    assert line is not None
    assert line.slope == pytest.approx(0.8) and line.intercept == pytest.approx(1.3)
    assert line.spread_at(4) == pytest.approx(1.5)
    assert fit_line([0, 1, 2], [1, 2, 3]) is None  # three years leave one degree of freedom


def test_a_straight_history_gives_a_sharp_trend_and_a_doubling_one_a_sharp_growth() -> None:
    ahead = trend(LINEAR, 2014)
    assert ahead is not None and np.allclose(ahead, 5.0)
    grown = log_growth(DOUBLING, 2015)
    assert grown is not None and np.allclose(grown, 32.0)
    # A point forecast's CRPS is its absolute error.
    assert sample_crps(ahead, 7.0) == pytest.approx(2.0)
    assert log_growth({**DOUBLING, 2014: 0.0}, 2015) is None  # no log of nothing


def test_intervals_are_student_t_wide() -> None:
    # Residual spread 1.5 at x = 4 (as above), t with 2 degrees of freedom: its P90 is 1.886.
    sample = trend({2010: 1.0, 2011: 3.0, 2012: 2.0, 2013: 4.0}, 2014)
    assert sample is not None
    assert np.quantile(sample, 0.9) - 4.5 == pytest.approx(1.5 * 1.886, rel=0.06)
    assert np.median(sample) == pytest.approx(4.5, abs=0.05)


def test_the_ensemble_weighs_the_model_that_forecast_left_out_years_better() -> None:
    # On a doubling history the log-growth line forecasts every left-out year exactly.
    chosen = weights({**DOUBLING, 2014: 16.0})
    assert chosen[LOG_GROWTH] > 0.9 > 0.1 > chosen[TREND]
    assert sum(chosen.values()) == pytest.approx(1.0)
    # Too few years to leave one out (three left are not a line with a spread): equal.
    assert weights(DOUBLING) == {TREND: 0.5, LOG_GROWTH: 0.5}


def test_yardsticks_see_only_the_years_known_at_the_as_of() -> None:
    later = {**LINEAR, 2014: 100.0}  # a wild later year must not move the 2014 forecast
    found = Yardsticks.known_at(later, 2013).crps(2014, 5.0)
    assert found[TREND] == pytest.approx(0.0, abs=1e-9)
    assert Yardsticks.known_at(later, 2012).crps(2013, 4.0) == dict.fromkeys(
        (TREND, LOG_GROWTH, ENSEMBLE)
    )  # three years known: too few


def test_the_backtest_reports_skill_against_each_yardstick() -> None:
    # The model's CRPS 1 against the trend's point-sharp error 2: skill 1 - 1/2 = 0.5.
    points = [
        Point(2013 + k, 2014 + k, (0, 0, 0, 0, 0), 0.0, 5.0, 0.5, 1.0,
              yardsticks={TREND: 2.0, LOG_GROWTH: 4.0, ENSEMBLE: None})
        for k in range(2)
    ]  # fmt: skip
    found = {s.name: s for s in scores(points)}
    assert found["skill vs trend, t"].value == pytest.approx(0.5)
    assert found["skill vs log-growth, t"].value == pytest.approx(0.75)
    assert found["skill vs ensemble"].value is None and found["skill vs ensemble"].n == 0
    assert math.isclose(found["skill vs linear trend"].n, 0)  # no point yardsticks given


def test_a_case_carries_its_yardsticks_into_its_points() -> None:
    case = Case(2013, Portfolio((), Baseline(2013, Decimal(4))), known=LINEAR)
    totals = np.full((10, 1), 4.0)
    (point,) = points_of(case, totals, {2014: 5.0})
    assert point.yardsticks[TREND] == pytest.approx(0.0, abs=1e-9)
    (bare,) = points_of(case, totals, {2014: 5.0}, with_yardsticks=False)
    assert bare.yardsticks == {}
