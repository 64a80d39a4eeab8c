"""What drives the uncertainty of the target year: the tornado.

Choice: each initiative's contribution to the variance of the target-year total T is its
covariance with T (the Euler allocation). These add up exactly, over initiatives and the
baseline, to Var(T); so a function's contribution is the sum of its initiatives', and the
correlation through the function factor is credited where it arises. Dividing by the standard
deviation of T gives a contribution in EUR; those add up to the standard deviation.

With the growth and intake terms the total is T' = T + G + C (the known part T, growth G,
intake C): each term is a driver of its own, cov(G, T') and cov(C, T'), and the known part's
cov(T, T') is shared among the initiatives and the baseline as their covariances with T are
(their own covariances with T' are not kept per trial). The bars still add up to Var(T').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from synergies.forecasting.engine import Simulation
from synergies.forecasting.inputs import Portfolio
from synergies.forecasting.prepare import F64
from synergies.forecasting.terms import GROWTH, INTAKE, WithTerms

DriverKind = Literal["initiative", "function", "baseline", "term"]


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
    terms: tuple[Driver, ...] = ()  # growth of realized savings, initiatives not yet identified


def tornado(portfolio: Portfolio, sim: Simulation, added: WithTerms | None = None) -> Tornado:
    """Allocate the target year's variance to initiatives, functions, the baseline and the
    terms that are on."""
    trials = len(sim.totals)
    centered = sim.totals[:, -1] - sim.center
    mean = float(centered.mean())
    variance = float(np.mean(centered * centered)) - mean * mean
    covariance = sim.cross / trials - sim.share_sum / trials * mean
    baseline_cov = sim.baseline_cross / trials - sim.baseline_sum / trials * mean
    terms: list[tuple[str, float]] = []
    if added is not None and (added.growth.any() or added.intake.any()):
        total = added.totals[:, -1]
        scale = _cov(sim.totals[:, -1], total) / variance if variance > 0 else 0.0
        covariance, baseline_cov = covariance * scale, baseline_cov * scale
        terms = [
            (name, _cov(part[:, -1], total))
            for name, part in ((GROWTH, added.growth), (INTAKE, added.intake))
            if part.any()
        ]
        variance = _cov(total, total)
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
        terms=_ranked([driver(n, "term", c, (False, False)) for n, c in terms]),
    )


def _cov(x: F64, y: F64) -> float:
    return float(np.mean((x - x.mean()) * (y - y.mean())))


def _ranked(drivers: list[Driver]) -> tuple[Driver, ...]:
    return tuple(sorted(drivers, key=lambda d: (-abs(d.variance_share), d.name)))
