"""Synthetic histories whose truth is known: each as-of year's outcome is drawn from a model."""

from __future__ import annotations

from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.forecasting import Baseline, ForecastInitiative, Portfolio
from synergies.forecasting.backtest import Case, Run, Uncertainty, simulate_case

FIRST = 1000


def portfolio(as_of: int) -> Portfolio:
    """A small pipeline starting the year after `as_of` over a 1 bn baseline (EUR)."""
    items = tuple(
        ForecastInitiative(
            id=f"I{k}", function=("purchasing", "engineering")[k % 2],
            stage=("L2", "L3", "L4")[k % 3], run_rate=Decimal(100_000_000 + 20_000_000 * k),
            start=Month(as_of + 1, 1 + k % 6), ramp_months=6,
        )
        for k in range(6)
    )  # fmt: skip
    return Portfolio(items, Baseline(as_of, Decimal(1_000_000_000), 0.05))


def history(
    points: int, truth_model: Uncertainty | None = None, scale: float = 1.0
) -> tuple[list[Case], dict[int, float]]:
    """`points` one-year-ahead cases and their outcomes: one draw of `truth_model` each (its
    own seed, independent of the forecast's), times `scale` for a biased history."""
    cases, truth = [], {}
    for i in range(points):
        case = Case(FIRST + 2 * i, portfolio(FIRST + 2 * i), known={})
        draw = simulate_case(case, Run(horizons=1, trials=1, seed=10_000 + i, workers=1),
                             truth_model or Uncertainty())  # fmt: skip
        cases.append(case)
        truth[case.as_of + 1] = float(draw[0, 0]) * scale
    return cases, truth
