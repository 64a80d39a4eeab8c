"""Probabilistic yardsticks: simple forecasts with honest intervals that the model must beat.

Pure. Each yardstick is fitted on the realized years known at the as-of year only:

- `trend, t`: a least-squares line through the realized values; its prediction interval is
  Student-t with n - 2 degrees of freedom and the usual scale s sqrt(1 + 1/n + (x - x̄)²/Sxx).
- `log-growth, t`: the same line through the logarithms (compound growth at a fitted rate),
  its t-interval taken back by exp (so the band is skewed as growth is).
- `ensemble`: a mixture of the two, each weighted by 1 / its leave-one-year-out CRPS on the
  years known then (equal weights while there are too few years to leave one out).

A yardstick is a sample of `DRAWS` values (seeded t draws, the same for every yardstick: common
random numbers), so it is scored exactly as the model is: `sample_crps`, `pit`, quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from synergies.forecasting.scores import sample_crps

F64 = npt.NDArray[np.float64]
TREND, LOG_GROWTH, ENSEMBLE = "trend, t", "log-growth, t", "ensemble"
YARDSTICKS = (TREND, LOG_GROWTH, ENSEMBLE)
MIN_YEARS = 4
"""A line and its residual spread need three years; four give the t two degrees of freedom,
so its CRPS is finite (one degree of freedom is a Cauchy, whose exp overflows)."""
DRAWS = 4_000
TAIL = 0.01
SEED = 2016


@dataclass(frozen=True, slots=True)
class Line:
    """A least-squares line y = a + b x through n points, with its residual scale."""

    intercept: float
    slope: float
    scale: float  # residual standard deviation, n - 2 degrees of freedom
    n: int
    x_mean: float
    sxx: float

    def spread_at(self, x: float) -> float:
        """Scale of the prediction at x: s sqrt(1 + 1/n + (x - x̄)² / Sxx)."""
        return self.scale * math.sqrt(1.0 + 1.0 / self.n + (x - self.x_mean) ** 2 / self.sxx)

    def predict(self, x: float, t: F64) -> F64:
        """The prediction sample at x from standard t draws with n - 2 degrees of freedom."""
        return self.intercept + self.slope * x + self.spread_at(x) * t


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> Line | None:
    """The line through (xs, ys), or None on fewer than `MIN_YEARS` points."""
    n = len(xs)
    if n < MIN_YEARS:
        return None
    x, y = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(np.sum((x - x_mean) ** 2))
    slope = float(np.sum((x - x_mean) * (y - y_mean))) / sxx
    intercept = y_mean - slope * x_mean
    residuals = y - (intercept + slope * x)
    scale = math.sqrt(float(np.sum(residuals**2)) / (n - 2))
    return Line(intercept, slope, scale, n, x_mean, sxx)


def t_draws(degrees: int, draws: int = DRAWS, seed: int = SEED) -> F64:
    """Standard Student-t draws, the same for the same degrees of freedom and seed, held
    within their own P1-P99: with few degrees of freedom the t's far tails (and their exp,
    whose mean is infinite) would make any CRPS of the log-growth yardstick infinite."""
    sample = np.random.default_rng([seed, degrees]).standard_t(degrees, draws)
    low, high = np.quantile(sample, (TAIL, 1.0 - TAIL))
    return np.clip(sample, low, high)


Model = Callable[[Mapping[int, float], int], F64 | None]


def trend(known: Mapping[int, float], year: int) -> F64 | None:
    """The linear trend's prediction sample of `year` from the years in `known`."""
    years = sorted(known)
    line = fit_line(years, [known[y] for y in years])
    return line.predict(year, t_draws(line.n - 2)) if line is not None else None


def log_growth(known: Mapping[int, float], year: int) -> F64 | None:
    """Compound growth fitted on the logarithms; None if a year is not positive."""
    years = sorted(known)
    if any(known[y] <= 0 for y in years):
        return None
    line = fit_line(years, [math.log(known[y]) for y in years])
    return np.exp(line.predict(year, t_draws(line.n - 2))) if line is not None else None


MODELS: dict[str, Model] = {TREND: trend, LOG_GROWTH: log_growth}


def leave_one_out_crps(model: Model, known: Mapping[int, float]) -> float | None:
    """Mean CRPS of `model` forecasting each known year from the others, relative to the
    year's value (so years of different size weigh alike); None if it cannot forecast one."""
    losses = []
    for year, value in known.items():
        sample = model({y: v for y, v in known.items() if y != year}, year)
        if sample is None:
            return None
        losses.append(sample_crps(sample, value) / max(abs(value), 1.0))
    return math.fsum(losses) / len(losses) if losses else None


def weights(known: Mapping[int, float]) -> dict[str, float]:
    """The ensemble's weights: 1 / leave-one-year-out CRPS, normalized; equal where a model
    cannot be scored that way, nothing for a model that cannot forecast at all."""
    usable = {name: m for name, m in MODELS.items() if m(known, max(known) + 1) is not None}
    if not usable:
        return {}
    losses = {name: leave_one_out_crps(m, known) for name, m in usable.items()}
    if any(loss is None or loss <= 0 for loss in losses.values()):
        return {name: 1.0 / len(usable) for name in usable}
    inverse = {name: 1.0 / loss for name, loss in losses.items() if loss is not None}
    total = math.fsum(inverse.values())
    return {name: w / total for name, w in inverse.items()}


def mixture(samples: Mapping[str, F64], chosen: Mapping[str, float]) -> F64:
    """An equally weighted sample of the mixture: each part's quantiles in proportion to its
    weight (quantiles at mid-ranks, so a part's shape survives the thinning)."""
    parts = []
    for name, weight in chosen.items():
        count = round(weight * DRAWS)
        if count:
            ordered = np.sort(samples[name])
            ranks = ((np.arange(count) + 0.5) / count * len(ordered)).astype(np.int64)
            parts.append(ordered[ranks])
    return np.concatenate(parts)


@dataclass(frozen=True, slots=True)
class Yardsticks:
    """The yardsticks fitted on what was known at one as-of year (weights computed once)."""

    known: Mapping[int, float]
    weights: Mapping[str, float]

    @classmethod
    def known_at(cls, known: Mapping[int, float], as_of: int) -> Yardsticks:
        then = {y: v for y, v in known.items() if y <= as_of}
        return cls(then, weights(then) if then else {})

    def samples(self, year: int) -> dict[str, F64 | None]:
        """Each yardstick's sample of `year`; None where it cannot forecast."""
        found: dict[str, F64 | None] = {name: m(self.known, year) for name, m in MODELS.items()}
        usable = {name: s for name, s in found.items() if s is not None}
        chosen = {name: w for name, w in self.weights.items() if name in usable}
        found[ENSEMBLE] = mixture(usable, chosen) if chosen else None
        return found

    def crps(self, year: int, realized: float) -> dict[str, float | None]:
        """Each yardstick's CRPS against what `year` realized (None where it cannot forecast)."""
        return {
            name: sample_crps(s, realized) if s is not None else None
            for name, s in self.samples(year).items()
        }
