"""What drives the uncertainty of the target year: the tornado.

Choice: each initiative's contribution to the variance of the target-year total T is its
covariance with T (the Euler allocation). These add up exactly, over initiatives and the
baseline, to Var(T); so a function's contribution is the sum of its initiatives', and the
correlation through the function factor is credited where it arises. Dividing by the standard
deviation of T gives a contribution in EUR; those add up to the standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from synergies.forecasting.engine import Simulation
from synergies.forecasting.inputs import Portfolio

DriverKind = Literal["initiative", "function", "baseline"]


@dataclass(frozen=True, slots=True)
class Driver:
    """One bar of the tornado: a share of Var(T) and the matching EUR of its deviation."""

    name: str
    kind: DriverKind
    variance_share: float
    std_contribution: float
    hypothetical: bool = False
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class Tornado:
    """Drivers sorted by contribution, largest first."""

    initiatives: tuple[Driver, ...]
    functions: tuple[Driver, ...]
    baseline: Driver
    std: float


def tornado(portfolio: Portfolio, sim: Simulation) -> Tornado:
    """Allocate the target year's variance to initiatives, functions and the baseline."""
    trials = len(sim.totals)
    centered = sim.totals[:, -1] - sim.center
    mean = float(centered.mean())
    variance = float(np.mean(centered * centered)) - mean * mean
    covariance = sim.cross / trials - sim.share_sum / trials * mean
    baseline_cov = sim.baseline_cross / trials - sim.baseline_sum / trials * mean
    std = float(np.sqrt(max(variance, 0.0)))

    def driver(name: str, kind: DriverKind, cov: float, item_flags: tuple[bool, bool]) -> Driver:
        share = cov / variance if variance > 0 else 0.0
        return Driver(name, kind, share, cov / std if std > 0 else 0.0, *item_flags)

    items = [
        driver(i.id, "initiative", float(c), (i.hypothetical, i.illustrative))
        for i, c in zip(portfolio.initiatives, covariance, strict=True)
    ]
    by_function: dict[str, float] = {}
    for item, cov in zip(portfolio.initiatives, covariance, strict=True):
        by_function[item.function] = by_function.get(item.function, 0.0) + float(cov)
    functions = [driver(f, "function", c, (False, False)) for f, c in by_function.items()]
    return Tornado(
        initiatives=_ranked(items),
        functions=_ranked(functions),
        baseline=driver("baseline", "baseline", baseline_cov, (False, False)),
        std=std,
    )


def _ranked(drivers: list[Driver]) -> tuple[Driver, ...]:
    return tuple(sorted(drivers, key=lambda d: (-abs(d.variance_share), d.name)))
