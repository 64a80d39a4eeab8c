"""Invariants over random portfolios (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synergies.domain.calendar import Month
from synergies.forecasting import (
    Baseline,
    ForecastInitiative,
    ForecastSettings,
    Portfolio,
    Target,
    forecast,
)
from synergies.forecasting.inputs import SIDE_STATUSES, STAGES
from synergies.forecasting.ramp import fraction_at, year_fraction_table
from synergies.forecasting.settings import Slippage
from synergies.forecasting.slippage import LEVELS, sampling_table, slip_pmf

initiative = st.builds(
    ForecastInitiative,
    id=st.uuids().map(str),
    function=st.sampled_from(["purchasing", "engineering", "manufacturing", "quality"]),
    stage=st.sampled_from(STAGES),
    run_rate=st.integers(0, 500).map(lambda m: Decimal(m) * 1_000_000),
    start=st.builds(Month, st.integers(2012, 2020), st.integers(1, 12)),
    ramp_months=st.integers(0, 30),
    side_status=st.sampled_from((None, *SIDE_STATUSES)),
    sigma=st.none() | st.floats(0, 1),
)
portfolio = st.builds(
    Portfolio,
    initiatives=st.lists(initiative, max_size=12, unique_by=lambda i: i.id).map(tuple),
    baseline=st.builds(
        Baseline, st.just(2015), st.integers(0, 5_000).map(Decimal), st.floats(0, 0.2)
    ),
    targets=st.tuples(st.builds(Target, st.just(2018), st.integers(0, 10**10).map(Decimal))),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolio, st.floats(0, 1), st.integers(0, 2**32))
def test_quantiles_ordered_and_probabilities_bounded(p: Portfolio, rho: float, seed: int) -> None:
    result = forecast(p, ForecastSettings(target_year=2018, trials=1_500, seed=seed, rho=rho))
    for year in result.years:
        assert year.p10 <= year.p50 <= year.p90
        assert year.p10 >= 0.0  # savings and baseline are never negative here
    for target in result.targets:
        assert 0.0 <= target.probability <= 1.0 and target.expected_gap >= 0.0
    shares = [d.variance_share for d in result.tornado.initiatives]
    if result.tornado.std > 1e-3 * max(1.0, float(p.baseline.amount)):
        assert abs(sum(shares) + result.tornado.baseline.variance_share - 1.0) < 1e-6


@given(st.lists(st.floats(0, 1), max_size=20).map(tuple), st.integers(-40, 60), st.integers(1, 4))
def test_year_share_table_equals_month_by_month_sum(profile: tuple[float, ...], start: int,
                                                    years: int) -> None:  # fmt: skip
    table = year_fraction_table(profile, np.array([start], dtype=np.int64), years)
    for j in range(years):
        direct = sum(fraction_at(profile, m - start) for m in range(12 * j, 12 * j + 12)) / 12
        assert abs(table[0, j] - direct) < 1e-12


@settings(deadline=None)  # an invariant, not a timing: a loaded CI machine must not fail it
@given(st.sampled_from(["geometric", "poisson", "none"]), st.floats(0, 12), st.integers(0, 36))
def test_slippage_pmf_sums_to_one_and_table_follows_it(kind: str, mean: float, cap: int) -> None:
    pmf = slip_pmf(Slippage(kind, mean), cap)  # type: ignore[arg-type]
    assert len(pmf) == cap + 1 and abs(sum(pmf) - 1) < 1e-9 and min(pmf) >= 0
    counts = np.bincount(sampling_table(pmf), minlength=cap + 1) / LEVELS
    assert np.all(np.abs(counts - np.array(pmf)) <= 1.0 / LEVELS + 1e-12)
