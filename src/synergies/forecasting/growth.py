"""Growth of realized savings beyond what the known initiatives explain: the term g.

Pure. In the form `L_k = L_{k-1}(1 + g_k) + I_k + Delta_known,k`, g is what realized savings
grew by, relative to the year before, beyond the engine's own expectation for the initiatives
known then and beyond initiatives that were not known yet (those are the intake I). It holds
same-initiative growth past plan, unattributed savings and, with the opposite sign, a plan's
optimism. One point per past year y, from the forecast made at the end of y-1:

    r_y = (L_y - new_y - E[T_y | known at y-1]) / L_{y-1}

The prior is g = 0 with the weight of half a year (`PRIOR_YEARS`): "realized savings persist
and the known initiatives explain the change", the engine's own assumption, so a store with no
past forecast year forecasts as before and one year of evidence moves g two thirds of the way.
Half a year, not more: on synthetic histories with 8%/yr organic growth a weight of two years
left the forecast 6% low three years ahead (tests/forecast_backtest/test_terms_synthetic.py).
The spread of g from year to year is pooled with `PRIOR_SD` the same way. Each trial draws its own mean (the
fit's uncertainty) and each year its own deviation around it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synergies.forecasting.prepare import F64

PRIOR_YEARS = 0.5
"""Weight of the prior g = 0, in years of evidence."""
PRIOR_SD = 0.05
"""Prior year-to-year spread of g: realized savings move by a few percent a year."""


@dataclass(frozen=True, slots=True)
class Growth:
    """The fitted growth: mean (shrunk), the uncertainty of that mean, the yearly spread."""

    mean: float
    mean_sd: float
    year_sd: float
    years: int  # past years it stands on

    def draws(self, rng: np.random.Generator, trials: int, years: int) -> F64:
        """g per (trial, year): a mean per trial, then a deviation per year."""
        mean = self.mean + self.mean_sd * rng.standard_normal((trials, 1))
        found: F64 = mean + self.year_sd * rng.standard_normal((trials, years))
        return np.maximum(found, -0.9)  # savings cannot vanish by more than all of them


def residual(realized: float, newcomers: float, expected: float, previous: float) -> float | None:
    """One year's growth beyond the forecast of the known initiatives (None without a base)."""
    if previous <= 0:
        return None
    return (realized - newcomers - expected) / previous


def fit_growth(residuals: Sequence[float]) -> Growth:
    """Shrink the mean residual toward 0 and pool its spread with the prior's."""
    n = len(residuals)
    values = np.asarray(residuals, dtype=np.float64)
    mean = float(values.sum()) / (n + PRIOR_YEARS)
    squares = float(np.sum((values - mean) ** 2)) if n else 0.0
    year_sd = math.sqrt((squares + PRIOR_YEARS * PRIOR_SD**2) / (n + PRIOR_YEARS))
    return Growth(mean, year_sd / math.sqrt(n + PRIOR_YEARS), year_sd, n)
