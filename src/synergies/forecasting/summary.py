"""Statistics of the simulated annual synergies: quantiles and the odds of meeting targets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from synergies.domain.errors import InvalidInput
from synergies.forecasting.inputs import Target
from synergies.forecasting.prepare import F64


@dataclass(frozen=True, slots=True)
class YearOutlook:
    """Distribution of one year's annual synergies over the trials (EUR)."""

    year: int
    mean: float
    std: float
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True, slots=True)
class TargetOutlook:
    """Odds of meeting a target, with Monte Carlo standard errors.

    `expected_gap` is E[max(target - value, 0)]: how far short the year falls on average,
    counting trials that meet the target as zero.
    """

    year: int
    target: Decimal
    probability: float
    standard_error: float
    expected_gap: float
    gap_standard_error: float


def year_outlooks(years: tuple[int, ...], totals: F64) -> tuple[YearOutlook, ...]:
    """Mean, standard deviation and P10/P50/P90 of each year's column of `totals`."""
    p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9], axis=0)
    mean, std = totals.mean(axis=0), totals.std(axis=0)
    return tuple(
        YearOutlook(y, float(mean[j]), float(std[j]), float(p10[j]), float(p50[j]), float(p90[j]))
        for j, y in enumerate(years)
    )


def target_outlook(years: tuple[int, ...], totals: F64, target: Target) -> TargetOutlook:
    """P(value >= target) with s.e. sqrt(p(1-p)/n), and the expected shortfall."""
    if target.year not in years:
        raise InvalidInput(
            f"target year {target.year} is outside the forecast {years[0]}-{years[-1]}",
            field="targets",
            fix="move the target year into the horizon or extend target_year",
        )
    values = totals[:, years.index(target.year)]
    amount, trials = float(target.amount), len(values)
    probability = float(np.mean(values >= amount))
    gap = np.maximum(amount - values, 0.0)
    gap_se = float(gap.std()) / math.sqrt(trials)
    return TargetOutlook(
        year=target.year,
        target=target.amount,
        probability=probability,
        standard_error=math.sqrt(probability * (1.0 - probability) / trials),
        expected_gap=float(gap.mean()),
        gap_standard_error=gap_se,
    )
