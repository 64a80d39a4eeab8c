"""The scores against independent, plain-Python implementations on small samples."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from synergies.forecasting.scores import (
    Score,
    brier,
    mean_score,
    pinball,
    pit,
    pit_histogram,
    sample_crps,
)


def crps_by_pairs(sample: list[float], y: float) -> float:
    """E|X - y| - 1/2 E|X - X'|, every pair spelled out."""
    n = len(sample)
    first = sum(abs(x - y) for x in sample) / n
    second = sum(abs(a - b) for a, b in itertools.product(sample, sample)) / (n * n)
    return first - second / 2


@pytest.mark.parametrize("seed", range(20))
def test_crps_matches_the_pairwise_formula(seed: int) -> None:
    rng = random.Random(seed)
    sample = [rng.gauss(0, 1) * 10 for _ in range(rng.randint(1, 40))]
    y = rng.gauss(0, 12)
    assert sample_crps(np.array(sample), y) == pytest.approx(crps_by_pairs(sample, y), abs=1e-9)


def test_crps_of_a_point_forecast_is_the_absolute_error() -> None:
    assert sample_crps(np.array([3.0, 3.0, 3.0]), 5.0) == pytest.approx(2.0)


def test_crps_of_a_normal_sample_is_near_the_closed_form() -> None:
    # CRPS of N(0, 1) at y = 0 is (sqrt(2) - 1) / sqrt(pi).
    sample = np.random.default_rng(1).standard_normal(200_000)
    assert sample_crps(sample, 0.0) == pytest.approx((2**0.5 - 1) / np.pi**0.5, rel=0.01)


def test_pit_counts_below_and_half_the_ties() -> None:
    assert pit(np.array([1.0, 2.0, 3.0, 4.0]), 3.0) == pytest.approx(0.625)
    assert pit(np.array([1.0, 2.0]), 0.0) == 0.0
    assert pit(np.array([1.0, 2.0]), 9.0) == 1.0


def test_pinball_weighs_misses_by_the_level() -> None:
    assert pinball(100.0, 0.9, 110.0) == pytest.approx(9.0)  # above the P90: 0.9 x 10
    assert pinball(100.0, 0.9, 90.0) == pytest.approx(1.0)  # below it: 0.1 x 10
    assert pinball(100.0, 0.5, 80.0) == pytest.approx(10.0)


def test_brier_and_histogram() -> None:
    assert brier(0.8, True) == pytest.approx(0.04)
    assert brier(0.8, False) == pytest.approx(0.64)
    assert pit_histogram([0.05, 0.1, 0.5, 0.95, 1.0]) == (2, 0, 1, 0, 2)


def test_a_score_on_too_few_points_says_so() -> None:
    thin = mean_score("coverage", [1.0, 0.0], 5, "share inside")
    assert thin.value is None and thin.shown == "too few years (n=2)"
    assert mean_score("x", [1.0, 0.0], 2, "").value == 0.5
    assert Score("x", 1234567.0, 3, 1, "").shown == "1,234,567"
