"""Same seed, same results: whatever the chunk size or the number of workers."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from synergies.domain.calendar import Month
from synergies.forecasting import (
    Baseline,
    ForecastInitiative,
    ForecastSettings,
    Portfolio,
    forecast,
)
from synergies.forecasting.inputs import STAGES
from synergies.forecasting.prepare import prepare


def run(portfolio: Portfolio, **changes: object):
    settings = ForecastSettings(target_year=2018, trials=7_500, **changes)  # type: ignore[arg-type]
    return forecast(portfolio, settings)


def test_same_seed_gives_identical_results(alliance: Portfolio) -> None:
    first, second = run(alliance, seed=3), run(alliance, seed=3)
    assert np.array_equal(first.totals, second.totals)
    assert first.years == second.years and first.targets == second.targets


def test_another_seed_gives_other_draws(alliance: Portfolio) -> None:
    assert not np.array_equal(run(alliance, seed=3).totals, run(alliance, seed=4).totals)


@pytest.mark.parametrize("chunk", [1_000, 2_000, 2_500, 3_000, 7_500, 50_000])
def test_chunk_size_and_workers_do_not_change_results(alliance: Portfolio, chunk: int) -> None:
    reference = run(alliance, seed=11, chunk_trials=None, workers=1)
    other = run(alliance, seed=11, chunk_trials=chunk, workers=2)
    assert np.array_equal(reference.totals, other.totals)
    assert reference.years == other.years and reference.targets == other.targets
    assert reference.tornado == other.tornado


def test_trial_count_extends_the_same_stream(alliance: Portfolio) -> None:
    short, longer = (
        run(alliance, seed=5),
        forecast(alliance, ForecastSettings(target_year=2018, trials=12_000, seed=5)),
    )
    assert np.array_equal(short.totals, longer.totals[:7_500])


def test_large_portfolio_sliced_and_binned_is_chunk_independent() -> None:
    # 1,200 initiatives: more than one slice, and the (profile, start) histogram path.
    items = tuple(
        ForecastInitiative(f"I{i}", f"F{i % 5}", STAGES[i % 6], Decimal(1_000_000 + i),
                           Month(2016, 1).plus(i % 30), ramp_months=(0, 6, 12)[i % 3])
        for i in range(1_200)
    )  # fmt: skip
    big = Portfolio(items, Baseline(2015, Decimal("4.3e9"), 0.02))
    settings = ForecastSettings(target_year=2018, trials=3_000, seed=8)
    prep = prepare(big, settings)
    assert prep.bins < prep.size * len(prep.years)
    one = forecast(big, settings)
    other = forecast(big, ForecastSettings(target_year=2018, trials=3_000, seed=8,
                                           chunk_trials=1_000, workers=2))  # fmt: skip
    assert np.array_equal(one.totals, other.totals) and one.tornado == other.tornado
