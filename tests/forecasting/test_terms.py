"""Growth and intake added to the engine's totals: the form, its fit and its reproducibility."""

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
from synergies.forecasting.growth import PRIOR_YEARS, Growth, fit_growth, residual
from synergies.forecasting.intake import Arrival, _distinct, _share_table, fit_intake
from synergies.forecasting.terms import GROWTH, INTAKE, Terms, apply_terms


def test_growth_compounds_the_whole_level_and_adds_the_known_increments() -> None:
    """L_k = L_{k-1}(1 + g) + Delta_known,k with g fixed at 10% (no spread)."""
    known = np.array([[1_100.0, 1_300.0, 1_300.0]])  # the engine: +100, +200, +0 on 1,000
    terms = Terms(growth=Growth(0.10, 0.0, 0.0, 5))
    added = apply_terms(known, 1_000.0, terms, seed=1)
    assert added.totals[0] == pytest.approx([1_200.0, 1_520.0, 1_672.0])
    assert added.growth[0] == pytest.approx([100.0, 220.0, 372.0])
    assert not added.intake.any()


def test_terms_off_leave_the_engine_totals_as_they_are() -> None:
    known = np.arange(12.0).reshape(4, 3)
    assert apply_terms(known, 1.0, Terms(), seed=1).totals is known


def test_growth_is_shrunk_toward_zero_by_half_a_year_of_prior() -> None:
    fitted = fit_growth([0.08, 0.08, 0.08])
    assert fitted.mean == pytest.approx(0.24 / (3 + PRIOR_YEARS))
    assert fit_growth([]).mean == 0.0  # no past year: the engine's own assumption
    # A year that realized 1,150 of which 50 from newcomers, forecast at 1,050 on 1,000: +5%.
    assert residual(1_150.0, 50.0, 1_050.0, 1_000.0) == pytest.approx(0.05)
    assert residual(1.0, 0.0, 1.0, 0.0) is None


def _arrivals() -> list[Arrival]:
    return [Arrival(year, 100e6 * (1 + k), 0.75, 12, 0) for year in (2011, 2012, 2013)
            for k in range(2)]  # fmt: skip


def test_intake_rate_sizes_and_gates_come_from_the_arrivals_known_then() -> None:
    intake = fit_intake(_arrivals(), first_year=2010, as_of=2013)
    assert intake is not None and intake.rate == 2.0 and intake.probability == 0.75
    assert fit_intake(_arrivals(), first_year=2010, as_of=2010) is None  # only the stock
    later = fit_intake(_arrivals(), first_year=2010, as_of=2012)
    assert later is not None and later.count == 4  # 2013's arrivals were not known yet


def test_intake_starting_the_year_after_arrival_adds_nothing_one_year_ahead() -> None:
    """Past arrivals started in the January after they appeared: so do the new ones."""
    intake = fit_intake(_arrivals(), first_year=2010, as_of=2013)
    assert intake is not None
    drawn = intake.contributions(np.random.default_rng(3), 20_000, 3)
    assert not drawn[:, 0].any()
    # Year 2 holds one year of arrivals: 2 a year x 0.75 delivered x mean size ~150 m.
    assert drawn[:, 1].mean() == pytest.approx(2 * 0.75 * 150e6, rel=0.1)
    assert drawn[:, 2].mean() == pytest.approx(2 * drawn[:, 1].mean(), rel=0.1)


def test_the_same_seed_gives_the_same_forecast_with_terms() -> None:
    items = (ForecastInitiative("A", "purchasing", "L3", Decimal(200_000_000), Month(2017, 1)),)
    portfolio = Portfolio(items, Baseline(2016, Decimal(5_000_000_000), 0.02))
    settings = ForecastSettings(target_year=2019, trials=5_000, seed=2016)
    intake = fit_intake(_arrivals(), first_year=2010, as_of=2013)
    terms = Terms(Growth(0.03, 0.01, 0.02, 6), intake)
    first, again = forecast(portfolio, settings, terms), forecast(portfolio, settings, terms)
    assert np.array_equal(first.totals, again.totals)
    plain = forecast(portfolio, settings)
    assert first.years[-1].p50 > plain.years[-1].p50  # growth and intake add
    names = {d.name for d in first.tornado.terms}
    assert names == {GROWTH, INTAKE} and not plain.tornado.terms
    shares = [d.variance_share for d in (*first.tornado.initiatives, first.tornado.baseline,
                                         *first.tornado.terms)]  # fmt: skip
    assert sum(shares) == pytest.approx(1.0, abs=1e-6)  # the bars still add up to Var(T')


def test_many_arrivals_a_year_are_summed_as_a_normal_with_the_same_mean_and_spread() -> None:
    """A register with a hundred arrivals a year: drawing each would cost memory by the
    gigabyte at 100,000 trials; the normal sum keeps their mean and spread."""
    intake = fit_intake(_arrivals(), first_year=2010, as_of=2013)
    assert intake is not None
    shapes, weights = _distinct(((0, 12), (6, 12), (12, 1), (12, 1)))
    table = _share_table(shapes, 3)[:, 0, :]
    counts = np.random.default_rng(5).poisson(100, 20_000)
    each = intake._each(np.random.default_rng(6), counts, table, weights)
    many = intake._many(np.random.default_rng(7), counts, table, weights)
    assert many.mean(axis=0) == pytest.approx(each.mean(axis=0), rel=0.01)
    assert many.std(axis=0) == pytest.approx(each.std(axis=0), rel=0.05)
