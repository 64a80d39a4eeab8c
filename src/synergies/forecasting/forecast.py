"""The forecast: how likely the alliance meets its synergy targets, and what drives the odds."""

from __future__ import annotations

from dataclasses import dataclass, field

from synergies.forecasting.engine import simulate
from synergies.forecasting.inputs import Portfolio
from synergies.forecasting.prepare import F64, prepare
from synergies.forecasting.settings import ForecastSettings
from synergies.forecasting.summary import (
    TargetOutlook,
    YearOutlook,
    target_outlook,
    year_outlooks,
)
from synergies.forecasting.terms import Terms, apply_terms
from synergies.forecasting.tornado import Tornado, tornado


@dataclass(frozen=True, slots=True, eq=False)
class ForecastResult:
    """Outlook per year and per target, the tornado, and the per-trial totals behind them."""

    years: tuple[YearOutlook, ...]
    targets: tuple[TargetOutlook, ...]
    tornado: Tornado
    trials: int
    seed: int
    totals: F64  # (trials, years), EUR
    terms: Terms = field(default_factory=Terms)  # growth and intake: those on are in totals

    @property
    def target_year(self) -> YearOutlook:
        return self.years[-1]


def forecast(
    portfolio: Portfolio, settings: ForecastSettings, terms: Terms | None = None
) -> ForecastResult:
    """Simulate `settings.trials` futures of `portfolio` and summarise them; `terms` (growth
    of realized savings, initiatives not yet identified) are added per trial after."""
    prep = prepare(portfolio, settings)
    sim = simulate(prep, settings)
    chosen = terms or Terms()
    added = apply_terms(sim.totals, float(portfolio.baseline.amount), chosen, settings.seed)
    totals = added.totals
    return ForecastResult(
        years=year_outlooks(sim.years, totals),
        targets=tuple(target_outlook(sim.years, totals, t) for t in portfolio.targets),
        tornado=tornado(portfolio, sim, added),
        trials=settings.trials,
        seed=settings.seed,
        totals=totals,
        terms=chosen,
    )
