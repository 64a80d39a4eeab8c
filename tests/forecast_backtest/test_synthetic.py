"""On histories drawn from the model itself, the backtest finds what is known to be true."""

from __future__ import annotations

from collections.abc import Sequence

from synergies.forecasting.backtest import Point, Run, Uncertainty, backtest, scores
from synergies.forecasting.fit import fit, grid
from tests.forecast_backtest.synthetic import history

RUN = Run(horizons=1, trials=2_000, seed=7, workers=1)


def _score(points: Sequence[Point], name: str) -> float:
    value = next(s for s in scores(points) if s.name == name).value
    assert value is not None
    return value


def test_a_history_drawn_from_the_model_scores_nominal_coverage() -> None:
    cases, truth = history(600)
    points = backtest(
        cases, truth, Run(horizons=1, trials=4_000, seed=11, workers=1), Uncertainty()
    )
    assert abs(_score(points, "coverage P10-P90") - 0.80) <= 0.05
    assert abs(_score(points, "coverage P25-P75") - 0.50) <= 0.06
    assert abs(_score(points, "mean PIT") - 0.5) <= 0.04


def test_a_model_told_half_the_spread_under_covers_and_calibrate_corrects_it() -> None:
    cases, truth = history(160, truth_model=Uncertainty(spread=2.0))
    told_half = backtest(cases, truth, RUN, Uncertainty())
    assert _score(told_half, "coverage P10-P90") < 0.65
    fitted = fit(cases, truth, RUN, grid((0.5, 1.0, 1.5, 2.0, 3.0, 4.0), (1.0,)))
    assert fitted.fitted.spread in (1.5, 2.0, 3.0)
    assert fitted.better_out_of_sample and not fitted.at_edge
    assert abs(_score(list(fitted.fitted_points), "coverage P10-P90") - 0.8) <= 0.1


def test_a_biased_history_shows_the_bias() -> None:
    cases, truth = history(60, scale=1.15)
    points = backtest(cases, truth, RUN, Uncertainty())
    # Realized runs 15% above a model whose P50 is near 1.3 bn: bias near +0.2 bn.
    assert _score(points, "bias") > 100_000_000
    assert _score(points, "mean PIT") > 0.8
    assert _score(points, "coverage P10-P90") < 0.5


def test_a_fit_no_better_than_the_defaults_keeps_them() -> None:
    cases, truth = history(40)
    fitted = fit(cases, truth, RUN, grid((1.0, 6.0), (1.0,)))
    assert fitted.fitted == Uncertainty()
    assert not fitted.better_out_of_sample
