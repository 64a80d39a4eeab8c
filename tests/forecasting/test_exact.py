"""The Monte Carlo agrees with exact results where they exist (fixed seed, 4 s.e. bands)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

from synergies.forecasting import Baseline, Portfolio, Target, forecast
from tests.forecasting.forecast_helpers import (
    M,
    at_least,
    convolution,
    exact_settings,
    fixed_item,
    moment,
    vasicek_count,
)

SIZES = [120, 80, 75, 60, 45, 40, 30, 25, 20, 10, 5, 3]
PROBABILITIES = [0.9, 0.75, 0.5, 0.5, 0.25, 0.75, 0.1, 0.9, 0.6, 0.3, 0.5, 0.99]
BASE = 4_300


def independent(targets: tuple[int, ...] = ()) -> Portfolio:
    items = tuple(
        fixed_item(f"I{i}", s, p) for i, (s, p) in enumerate(zip(SIZES, PROBABILITIES, strict=True))
    )
    goals = tuple(Target(2016, (BASE + t) * M) for t in targets)
    return Portfolio(items, Baseline(2015, BASE * M), goals)


def test_mean_and_variance_match_the_closed_form() -> None:
    result = forecast(independent(), exact_settings())
    values = result.totals[:, 0] / 1e6 - BASE
    n = len(values)
    mean = sum(s * p for s, p in zip(SIZES, PROBABILITIES, strict=True))
    variance = sum(s * s * p * (1 - p) for s, p in zip(SIZES, PROBABILITIES, strict=True))
    dist = convolution(SIZES, PROBABILITIES)
    assert math.isclose(moment(dist, 1), mean) and math.isclose(moment(dist, 2, mean), variance)
    assert abs(values.mean() - mean) < 4 * math.sqrt(variance / n)
    fourth = moment(dist, 4, mean)
    assert abs(values.var() - variance) < 4 * math.sqrt((fourth - variance**2) / n)
    assert math.isclose(result.years[0].mean / 1e6, BASE + values.mean(), rel_tol=1e-12)


def test_probability_of_meeting_targets_matches_exact_convolution() -> None:
    thresholds = (150, 250, 300, 350, 420)
    result = forecast(independent(thresholds), exact_settings())
    dist = convolution(SIZES, PROBABILITIES)
    for outlook, threshold in zip(result.targets, thresholds, strict=True):
        exact = at_least(dist, threshold)
        se = math.sqrt(exact * (1 - exact) / result.trials)
        assert abs(outlook.probability - exact) < 4 * se + 1e-12, threshold
        assert math.isclose(outlook.standard_error**2 * result.trials,
                            outlook.probability * (1 - outlook.probability), rel_tol=1e-9)  # fmt: skip


def test_expected_gap_matches_exact_shortfall() -> None:
    result = forecast(independent((300,)), exact_settings())
    dist = convolution(SIZES, PROBABILITIES)
    exact = math.fsum(m * max(300 - t, 0) for t, m in dist.items()) * 1e6
    outlook = result.targets[0]
    assert abs(outlook.expected_gap - exact) < 4 * outlook.gap_standard_error


def test_certain_and_impossible_initiatives_are_exact() -> None:
    items = (fixed_item("sure", 100, 1.0), fixed_item("never", 500, 0.0))
    result = forecast(Portfolio(items, Baseline(2015, Decimal(0))), exact_settings(trials=2_000))
    assert np.all(result.totals == 100e6)


def shared_function(n: int, p: float, targets: tuple[int, ...]) -> Portfolio:
    items = tuple(fixed_item(f"I{i}", 10, p) for i in range(n))
    return Portfolio(items, Baseline(2015, Decimal(0)), tuple(Target(2016, t * M) for t in targets))


def test_correlation_widens_the_total_as_the_copula_says() -> None:
    n, p, rho = 20, 0.6, 0.4
    targets = (80, 150, 170)  # below, near and above the mean of 120
    alone = forecast(shared_function(n, p, targets), exact_settings())
    together = forecast(shared_function(n, p, targets), exact_settings(rho=rho))
    counts = together.totals[:, 0] / 10e6
    pmf = vasicek_count(n, p, rho)
    k = np.arange(n + 1)
    mean = float((k * pmf).sum())
    variance = float(((k - mean) ** 2 * pmf).sum())
    assert math.isclose(mean, n * p, rel_tol=1e-9)
    assert variance > 3 * n * p * (1 - p)  # independent sums understate the risk
    fourth = float(((k - mean) ** 4 * pmf).sum())
    assert abs(counts.var() - variance) < 4 * math.sqrt((fourth - variance**2) / len(counts))
    for j, target in enumerate(targets):
        exact = float(pmf[k >= target / 10].sum())
        se = math.sqrt(exact * (1 - exact) / together.trials)
        assert abs(together.targets[j].probability - exact) < 4 * se
    below, _, above = (t.probability for t in together.targets)
    alone_below, _, alone_above = (t.probability for t in alone.targets)
    assert below < alone_below and above > alone_above


def test_full_correlation_delivers_all_or_nothing() -> None:
    p = 0.75
    result = forecast(shared_function(10, p, (100,)), exact_settings(rho=1.0))
    outlook = result.targets[0]
    assert set(np.unique(result.totals)) <= {0.0, 100e6}
    assert abs(outlook.probability - p) < 4 * math.sqrt(p * (1 - p) / result.trials)
