"""The forecast: how likely the alliance meets its synergy targets, and what drives the odds."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def target_year(self) -> YearOutlook:
        return self.years[-1]


def forecast(portfolio: Portfolio, settings: ForecastSettings) -> ForecastResult:
    """Simulate `settings.trials` futures of `portfolio` and summarise them."""
    prep = prepare(portfolio, settings)
    sim = simulate(prep, settings)
    return ForecastResult(
        years=year_outlooks(sim.years, sim.totals),
        targets=tuple(target_outlook(sim.years, sim.totals, t) for t in portfolio.targets),
        tornado=tornado(portfolio, sim),
        trials=settings.trials,
        seed=settings.seed,
        totals=sim.totals,
    )
