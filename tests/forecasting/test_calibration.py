"""Calibration uses the alliance's history where there is enough of it, and says so."""

from __future__ import annotations

import math

import pytest

from synergies.domain.errors import InvalidInput
from synergies.forecasting import ForecastSettings, StageOutcome, calibrate
from synergies.forecasting.calibration import probabilities
from synergies.forecasting.settings import DEFAULT_PROBABILITY


def outcomes(stage: str, delivered: int, failed: int) -> list[StageOutcome]:
    return [StageOutcome(stage, True)] * delivered + [StageOutcome(stage, False)] * failed  # type: ignore[arg-type]


def test_stages_with_enough_outcomes_use_the_beta_binomial_posterior() -> None:
    history = outcomes("L2", 30, 10) + outcomes("L3", 5, 3)
    by_stage = {c.stage: c for c in calibrate(history)}
    l2 = by_stage["L2"]
    assert l2.source == "history" and (l2.outcomes, l2.delivered) == (40, 30)
    assert math.isclose(l2.probability, (30 + 10 * 0.5) / (40 + 10))
    assert "30 delivered of 40" in l2.explanation
    l3 = by_stage["L3"]
    assert l3.source == "default" and l3.probability == DEFAULT_PROBABILITY["L3"]
    assert "only 8 outcomes" in l3.explanation
    assert [c.stage for c in calibrate(history)] == ["L0", "L1", "L2", "L3", "L4", "L5"]


def test_history_dominates_as_it_grows() -> None:
    small = {c.stage: c for c in calibrate(outcomes("L1", 16, 4))}["L1"]
    large = {c.stage: c for c in calibrate(outcomes("L1", 800, 200))}["L1"]
    assert DEFAULT_PROBABILITY["L1"] < small.probability < large.probability < 0.8


def test_threshold_is_configurable_and_feeds_settings() -> None:
    calibrated = calibrate(outcomes("L0", 3, 7), min_outcomes=10, prior_weight=10)
    settings = ForecastSettings(target_year=2018).with_probabilities(probabilities(calibrated))
    assert math.isclose(settings.probability["L0"], (3 + 1) / 20)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(InvalidInput):
        calibrate([], min_outcomes=0)
