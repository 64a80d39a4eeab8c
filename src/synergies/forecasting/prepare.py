"""Turn a portfolio into the arrays the vectorised engine works on.

The slow-to-compute part of a trial, how much of the run-rate lands in each year, depends only
on the ramp profile and the slipped start month. Initiatives are grouped by profile and the
year shares are tabulated once per (profile, start month), so a trial only has to add up
weights per (profile, start month) bin and multiply by that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from synergies.domain.calendar import Month
from synergies.forecasting.inputs import Portfolio
from synergies.forecasting.probability import (
    delivery_probability,
    hold_delay,
    magnitude_sigma,
    slippage,
)
from synergies.forecasting.ramp import Profile, profile_of, year_fraction_table
from synergies.forecasting.settings import ForecastSettings
from synergies.forecasting.slippage import sampling_table, slip_pmf

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """A portfolio as arrays, one entry per initiative unless said otherwise."""

    years: tuple[int, ...]
    functions: tuple[str, ...]
    function_index: I64
    run_rate: F64
    probability: F64
    threshold: F64  # delivers when the latent normal exceeds this
    sigma: F64
    slip_table: npt.NDArray[np.uint8]  # one row of 65,536 slips per distinct slippage
    slip_row: I64
    bin_base: I64  # bin of the unslipped start; a slip of s months adds s
    bins: int  # bins per trial: profiles x start months
    year_share: F64  # (bins, years): share of the run-rate landing in each year
    target_share: F64  # (bins,): the target year's column, contiguous for fast look-ups
    baseline: float
    baseline_sigma: float
    rho: float

    @property
    def size(self) -> int:
        return len(self.run_rate)


def prepare(portfolio: Portfolio, settings: ForecastSettings) -> Prepared:
    """Arrays for `portfolio` under `settings`; pure and cheap next to the simulation."""
    items = portfolio.initiatives
    years = settings.years(portfolio.baseline.year)
    functions = portfolio.functions()
    probability = np.array([delivery_probability(i, settings) for i in items], dtype=np.float64)
    slip_rows, slip_table = _slip_tables(portfolio, settings)
    bin_base, bins, year_share = _bins(portfolio, settings, years)
    return Prepared(
        years=years,
        functions=functions,
        function_index=np.array([functions.index(i.function) for i in items], dtype=np.int64),
        run_rate=np.array([float(i.run_rate) for i in items], dtype=np.float64),
        probability=probability,
        threshold=np.array([_threshold(p) for p in probability], dtype=np.float64),
        sigma=np.array([magnitude_sigma(i, settings) for i in items], dtype=np.float64),
        slip_table=slip_table,
        slip_row=slip_rows,
        bin_base=bin_base,
        bins=bins,
        year_share=year_share,
        target_share=np.ascontiguousarray(year_share[:, -1]),
        baseline=float(portfolio.baseline.amount),
        baseline_sigma=portfolio.baseline.sigma,
        rho=settings.rho,
    )


def _threshold(probability: float) -> float:
    """Latent threshold so that P(N(0,1) > threshold) = probability."""
    if probability <= 0.0:
        return float("inf")
    if probability >= 1.0:
        return float("-inf")
    return NormalDist().inv_cdf(1.0 - probability)


def _slip_tables(
    portfolio: Portfolio, settings: ForecastSettings
) -> tuple[I64, npt.NDArray[np.uint8]]:
    pmfs: dict[tuple[float, ...], int] = {}
    rows = []
    for item in portfolio.initiatives:
        pmf = slip_pmf(slippage(item, settings), settings.max_slip_months)
        rows.append(pmfs.setdefault(pmf, len(pmfs)))
    tables = [sampling_table(pmf) for pmf in pmfs] or [sampling_table((1.0,))]
    return np.array(rows, dtype=np.int64), np.stack(tables)


def first_month(settings: ForecastSettings, years: tuple[int, ...]) -> Month:
    """Month 0 of the forecast: the first month of the first forecast year."""
    return Month(years[0], settings.calendar.start_month)


def _bins(
    portfolio: Portfolio, settings: ForecastSettings, years: tuple[int, ...]
) -> tuple[I64, int, F64]:
    month0 = first_month(settings, years)
    horizon, cap = 12 * len(years), settings.max_slip_months
    profiles: dict[Profile, int] = {}
    groups, starts = [], []
    for item in portfolio.initiatives:
        profile = profile_of(item)
        groups.append(profiles.setdefault(profile, len(profiles)))
        start = month0.months_until(item.start) + hold_delay(item, settings)
        # Starts long before (after) the horizon behave alike for every slip: clip them so
        # the table stays small.
        starts.append(min(max(start, -len(profile) - cap), horizon))
    longest = max((len(p) for p in profiles), default=0)
    lowest = -longest - cap
    offsets = np.arange(lowest, horizon + cap + 1, dtype=np.int64)
    per_profile = len(offsets)
    share = [year_fraction_table(p, offsets, len(years)) for p in profiles]
    year_share = np.concatenate(share) if share else np.zeros((per_profile, len(years)))
    base = np.array(groups, dtype=np.int64) * per_profile + np.array(starts, dtype=np.int64)
    return base - lowest, per_profile * max(len(profiles), 1), year_share
