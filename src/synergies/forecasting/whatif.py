"""What-if: hypothetical moves (e.g. converging sales & marketing) and what they would add.

Both runs use the same seed, and a scenario's initiatives are appended after the portfolio's,
so the shared initiatives see the same random draws in both runs (common random numbers): the
difference reflects the moves, not sampling noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.forecasting.forecast import ForecastResult, forecast
from synergies.forecasting.inputs import ForecastInitiative, Portfolio, Stage
from synergies.forecasting.settings import ForecastSettings
from synergies.forecasting.terms import Terms


def converge(
    function: str,
    from_month: Month,
    saving_pct: Decimal,
    cost_base: Decimal,
    ramp_months: int,
    *,
    stage: Stage = "L1",
    one_off_cost: Decimal = Decimal(0),
    id: str | None = None,
) -> ForecastInitiative:
    """A hypothetical initiative: converging `function` saves `saving_pct` of `cost_base`.

    `saving_pct` is a fraction (Decimal('0.03') for 3%); `cost_base` the function's annual
    cost in EUR across the partners.
    """
    if not Decimal(0) < saving_pct <= Decimal(1):
        raise InvalidInput(
            f"saving_pct {saving_pct} is not a fraction in (0, 1]",
            field="saving_pct",
            fix="give e.g. 0.03 for 3%",
        )
    return ForecastInitiative(
        id=id or f"converge {function} {from_month}",
        function=function,
        stage=stage,
        run_rate=saving_pct * cost_base,
        start=from_month,
        ramp_months=ramp_months,
        one_off_cost=one_off_cost,
        hypothetical=True,
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of hypothetical moves, applied together."""

    name: str
    moves: tuple[ForecastInitiative, ...]

    def apply(self, portfolio: Portfolio) -> Portfolio:
        """A new portfolio with the moves appended; `portfolio` is left as it was."""
        return portfolio.with_initiatives(self.moves)


@dataclass(frozen=True, slots=True)
class YearDelta:
    year: int
    base_p50: float
    scenario_p50: float
    p50_change: float
    mean_change: float


@dataclass(frozen=True, slots=True)
class TargetDelta:
    """Change in the odds of a target; the s.e. is of the paired (same draws) difference."""

    year: int
    target: Decimal
    base_probability: float
    scenario_probability: float
    change: float
    standard_error: float


@dataclass(frozen=True, slots=True, eq=False)
class WhatIf:
    scenario: Scenario
    base: ForecastResult
    with_scenario: ForecastResult
    years: tuple[YearDelta, ...]
    targets: tuple[TargetDelta, ...]


def what_if(
    portfolio: Portfolio, scenario: Scenario, settings: ForecastSettings, terms: Terms | None = None
) -> WhatIf:
    """Forecast with and without the scenario on the same seed, and the differences; `terms`
    (growth, intake) are the forecast's, added alike to both."""
    base = forecast(portfolio, settings, terms)
    moved = forecast(scenario.apply(portfolio), settings, terms)
    years = tuple(
        YearDelta(b.year, b.p50, s.p50, s.p50 - b.p50, s.mean - b.mean)
        for b, s in zip(base.years, moved.years, strict=True)
    )
    targets = tuple(_target_delta(base, moved, j) for j in range(len(portfolio.targets)))
    return WhatIf(scenario, base, moved, years, targets)


def _target_delta(base: ForecastResult, moved: ForecastResult, j: int) -> TargetDelta:
    b, s = base.targets[j], moved.targets[j]
    column = [y.year for y in base.years].index(b.year)
    amount = float(b.target)
    change = (moved.totals[:, column] >= amount).astype(np.float64) - (
        base.totals[:, column] >= amount
    )
    se = float(change.std()) / math.sqrt(len(change))
    return TargetDelta(b.year, b.target, b.probability, s.probability, float(change.mean()), se)
