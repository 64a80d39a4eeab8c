"""Start slippage: the distribution of whole months an initiative starts late."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from synergies.forecasting.settings import Slippage

LEVELS = 1 << 16
"""Resolution of the sampling table: a 16-bit draw picks a slip (probabilities to 1/65,536)."""


def slip_pmf(slip: Slippage, max_months: int) -> tuple[float, ...]:
    """P(slip = k months) for k = 0..max_months; the tail beyond the cap lands on the cap."""
    if slip.kind == "none" or slip.mean_months == 0.0 or max_months == 0:
        return (1.0,) + (0.0,) * max_months
    if slip.kind == "geometric":
        ratio = slip.mean_months / (1.0 + slip.mean_months)
        head = [(1.0 - ratio) * ratio**k for k in range(max_months)]
    else:
        head = [math.exp(-slip.mean_months) * slip.mean_months**k / math.factorial(k)
                for k in range(max_months)]  # fmt: skip
    return (*head, max(0.0, 1.0 - math.fsum(head)))


def sampling_table(pmf: tuple[float, ...]) -> npt.NDArray[np.uint8]:
    """Slip months for each 16-bit draw, so that sampling is one table look-up."""
    cdf = np.cumsum(np.asarray(pmf, dtype=np.float64)) * LEVELS
    cdf[-1] = LEVELS  # guard against rounding leaving the top draws unmapped
    points = np.arange(LEVELS, dtype=np.float64) + 0.5
    return np.searchsorted(cdf, points, side="right").astype(np.uint8)
