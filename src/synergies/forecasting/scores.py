"""How good a probabilistic forecast was: proper scores of forecast samples against outcomes.

Pure: each function takes forecast samples (or their quantiles) and what was realized. A
`Score` carries its value, how many points it stands on, and its one-line meaning; a score on
fewer points than it needs has no value and says so ("too few years (n=2)").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

PIT_BINS = 5
"""Bins of the PIT histogram: with a handful of years, ten bins would be mostly empty."""


@dataclass(frozen=True, slots=True)
class Score:
    """A named score over `n` points; `value` is None when `n` is below `needs`."""

    name: str
    value: float | None
    n: int
    needs: int
    meaning: str
    nominal: float | None = None

    @property
    def shown(self) -> str:
        if self.value is None:
            return f"too few years (n={self.n})"
        return f"{self.value:.3g}" if abs(self.value) < 1e4 else f"{self.value:,.0f}"


def sample_crps(sample: F64, realized: float) -> float:
    """CRPS of an empirical forecast distribution: E|X - y| - 1/2 E|X - X'|.

    E|X - X'| over all n^2 ordered pairs equals 2/n^2 sum_i (2i - n - 1) x_(i) on the sorted
    sample, so the score costs one sort, not n^2 differences.
    """
    xs = np.sort(np.asarray(sample, dtype=np.float64))
    n = len(xs)
    spread = 2.0 * float(np.dot(2.0 * np.arange(1, n + 1) - n - 1, xs)) / (n * n)
    return float(np.mean(np.abs(xs - realized))) - 0.5 * spread


def pit(sample: F64, realized: float) -> float:
    """Probability integral transform: the forecast's P(X < y), ties counted half."""
    below = float(np.mean(sample < realized))
    return below + 0.5 * float(np.mean(sample == realized))


def pinball(quantile: float, level: float, realized: float) -> float:
    """Quantile (pinball) loss of the `level` quantile: tau (y - q) above it, (1 - tau) below."""
    miss = realized - quantile
    return max(level * miss, (level - 1.0) * miss)


def brier(probability: float, happened: bool) -> float:
    """Squared error of the probability given to an event that did or did not happen."""
    return (probability - float(happened)) ** 2


def mean_score(
    name: str, values: Sequence[float], needs: int, meaning: str, nominal: float | None = None
) -> Score:
    """The mean of per-point values, or no value on fewer than `needs` points."""
    n = len(values)
    value = math.fsum(values) / n if n >= needs and n else None
    return Score(name, value, n, needs, meaning, nominal)


def coverage(lows: Sequence[float], highs: Sequence[float], realized: Sequence[float]) -> F64:
    """1 where the outcome fell inside [low, high], else 0, point by point."""
    low, high, y = (np.asarray(v, dtype=np.float64) for v in (lows, highs, realized))
    return ((y >= low) & (y <= high)).astype(np.float64)


def pit_histogram(values: Sequence[float], bins: int = PIT_BINS) -> tuple[int, ...]:
    """Counts of PIT values in `bins` equal bins of [0, 1]: flat for a calibrated forecast."""
    counts, _ = np.histogram(np.asarray(values, dtype=np.float64), bins=bins, range=(0.0, 1.0))
    return tuple(int(c) for c in counts)


def skill(model: float | None, naive: float | None) -> float | None:
    """1 - model / naive loss: above 0 the model beats the naive forecast, 1 is perfect."""
    if model is None or naive is None or naive == 0.0:
        return None
    return 1.0 - model / naive
