"""Fit the uncertainty settings on the backtest, guarded by leave-one-year-out.

Pure. Every candidate `Uncertainty` on a small grid is backtested once with the same seed
(common random numbers, so candidates differ by their settings, not by their luck). The
objective is the mean relative CRPS plus a penalty for the P10-P90 coverage straying from
80%. Out of sample: for each as-of year, the best candidate on the other years forecasts the
year held out; the fit counts as better only if those held-out scores beat the defaults'.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from synergies.forecasting.backtest import (
    MIN_COVERAGE_POINTS,
    Case,
    Point,
    Run,
    Uncertainty,
    backtest,
    mean_crps,
)

SPREADS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
SLIPPAGES = (0.5, 1.0, 2.0)
LOCATION_SHARE = 0.5
"""A fit whose |bias| exceeds this share of its CRPS is refused: its error is mostly location."""
COVERAGE_WEIGHT = 0.1
"""Relative CRPS per unit of coverage error: 10 points off nominal cost 1% of CRPS."""


@dataclass(frozen=True, slots=True)
class Fit:
    """The defaults and the fitted settings, their in-sample points and the held-out scores."""

    default: Uncertainty
    fitted: Uncertainty
    default_points: tuple[Point, ...]
    fitted_points: tuple[Point, ...]
    held_out_default: float  # mean relative CRPS of the defaults over all as-of years
    held_out_fitted: float  # the same, each year forecast by the fit on the other years
    held_out_choices: Mapping[int, Uncertainty]
    candidates: tuple[Uncertainty, ...] = ()

    @property
    def better_out_of_sample(self) -> bool:
        return self.held_out_fitted < self.held_out_default

    @property
    def bias(self) -> float:
        """Mean of realized - P50 under the fit, EUR (above 0: the fit runs low)."""
        return _mean([p.realized - p.quantile(0.5) for p in self.fitted_points])

    @property
    def crps(self) -> float:
        """Mean CRPS under the fit, EUR."""
        return _mean([p.crps for p in self.fitted_points])

    @property
    def biased(self) -> bool:
        """The fit leaves a bias above half its CRPS: most of its error is location, which no
        spread cures, so its bands would cover a bias rather than measure the uncertainty."""
        return abs(self.bias) > LOCATION_SHARE * self.crps

    @property
    def at_edge(self) -> bool:
        """The fit is the largest or smallest spread tried: the optimum may lie beyond, and
        a spread pushed that far is more likely covering a bias than measuring noise."""
        spreads = [u.spread for u in self.candidates]
        return bool(spreads) and self.fitted.spread in (min(spreads), max(spreads))


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def grid(
    spreads: Sequence[float] = SPREADS, slippages: Sequence[float] = SLIPPAGES
) -> list[Uncertainty]:
    return [Uncertainty(a, b) for a in spreads for b in slippages]


def objective(points: Sequence[Point]) -> float:
    """Mean relative CRPS, plus the coverage penalty once there are points enough for it."""
    value = mean_crps(points)
    if len(points) >= MIN_COVERAGE_POINTS:
        inside = sum(p.quantile(0.1) <= p.realized <= p.quantile(0.9) for p in points)
        value += COVERAGE_WEIGHT * abs(inside / len(points) - 0.8)
    return value


def fit(
    cases: Sequence[Case],
    truth: Mapping[int, float],
    run: Run,
    candidates: Sequence[Uncertainty] | None = None,
) -> Fit:
    """The candidate minimizing the objective, and how it fares year by year out of sample."""
    default = Uncertainty()
    tried = list(candidates) if candidates is not None else grid()
    if default not in tried:
        tried.append(default)
    scored = replace(run, yardsticks=False)  # the same for every candidate: not its concern
    points = {u: backtest(cases, truth, scored, u) for u in tried}
    best = min(tried, key=lambda u: (objective(points[u]), u != default))
    years = sorted({p.as_of for p in points[default]})
    choices: dict[int, Uncertainty] = {}
    held_out: list[Point] = []
    for year in years:
        rest = {u: [p for p in points[u] if p.as_of != year] for u in tried}
        choice = min(tried, key=lambda u: (objective(rest[u]), u != default))
        choices[year] = choice
        held_out.extend(p for p in points[choice] if p.as_of == year)
    return Fit(
        default=default,
        fitted=best,
        default_points=tuple(points[default]),
        fitted_points=tuple(points[best]),
        held_out_default=mean_crps(points[default]),
        held_out_fitted=mean_crps(held_out),
        held_out_choices=choices,
        candidates=tuple(tried),
    )
