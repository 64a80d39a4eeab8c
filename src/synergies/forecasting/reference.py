"""A straightforward per-trial, pure-Python run of the same model.

Slow on purpose and written for reading: it is the yardstick for the vectorised engine in the
benchmark and in the distributional cross-check. It uses its own random stream (Python's
`random`), so it agrees with the engine in distribution, not draw for draw.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import numpy as np

from synergies.forecasting.inputs import ForecastInitiative, Portfolio
from synergies.forecasting.prepare import F64, first_month
from synergies.forecasting.probability import (
    delivery_probability,
    hold_delay,
    magnitude_sigma,
    slippage,
)
from synergies.forecasting.ramp import fraction_at, profile_of
from synergies.forecasting.settings import ForecastSettings
from synergies.forecasting.slippage import slip_pmf


def reference_totals(portfolio: Portfolio, settings: ForecastSettings, trials: int) -> F64:
    """Per-trial annual synergies, shape (trials, years), one trial at a time."""
    rng = random.Random(settings.seed)
    years = settings.years(portfolio.baseline.year)
    month0 = first_month(settings, years)
    rows = []
    for _ in range(trials):
        factors = {f: rng.gauss(0.0, 1.0) for f in portfolio.functions()}
        values = [_baseline(portfolio, rng)] * len(years)
        for item in portfolio.initiatives:
            saving = _trial_saving(item, settings, factors[item.function], rng)
            start = month0.months_until(item.start) + hold_delay(item, settings)
            start += _slip(item, settings, rng)
            for j in range(len(years)):
                values[j] += saving * _year_share(item, start, j)
        rows.append(values)
    return np.array(rows, dtype=np.float64).reshape(trials, len(years))


def _baseline(portfolio: Portfolio, rng: random.Random) -> float:
    sigma = portfolio.baseline.sigma
    return float(portfolio.baseline.amount) * math.exp(sigma * rng.gauss(0, 1) - sigma**2 / 2)


def _trial_saving(
    item: ForecastInitiative, settings: ForecastSettings, factor: float, rng: random.Random
) -> float:
    """Run-rate delivered in this trial: zero, or the plan times a lognormal magnitude."""
    rho = settings.rho
    latent = math.sqrt(rho) * factor + math.sqrt(1 - rho) * rng.gauss(0, 1)
    probability = delivery_probability(item, settings)
    if probability <= 0 or (probability < 1 and NormalDist().cdf(latent) <= 1 - probability):
        return 0.0
    sigma = magnitude_sigma(item, settings)
    normal = math.sqrt(rho) * factor + math.sqrt(1 - rho) * rng.gauss(0, 1)
    return float(item.run_rate) * math.exp(sigma * normal - sigma**2 / 2)


def _slip(item: ForecastInitiative, settings: ForecastSettings, rng: random.Random) -> int:
    pmf = slip_pmf(slippage(item, settings), settings.max_slip_months)
    draw, cumulative = rng.random(), 0.0
    for months, p in enumerate(pmf):
        cumulative += p
        if draw < cumulative:
            return months
    return len(pmf) - 1


def _year_share(item: ForecastInitiative, start: int, year_index: int) -> float:
    profile = profile_of(item)
    months = range(12 * year_index, 12 * year_index + 12)
    return sum(fraction_at(profile, m - start) for m in months) / 12
