"""Synthetic histories whose truth is known: each as-of year's outcome is drawn from a model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

import numpy as np

from synergies.domain.calendar import Month
from synergies.forecasting import Baseline, ForecastInitiative, Portfolio
from synergies.forecasting.backtest import Case, Run, Uncertainty, simulate_case
from synergies.forecasting.intake import Arrival
from synergies.forecasting.settings import DEFAULT_PROBABILITY, DEFAULT_SIGMA
from synergies.forecasting.term_choice import TermHistory

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


# Whole histories for the growth and intake terms: a register that grows year by year.

AS_OF_YEARS = 8
HORIZONS = 3
STAGE = "L3"  # every planned initiative: P(delivery) 0.75, magnitude sigma 0.20
FUNCTIONS = ("purchasing", "engineering", "manufacturing")
RHO = 0.3  # the engine's copula weight, so truth and model share their dependence
NO_SLIP = Uncertainty(slippage=0.0)  # starts are on plan in truth and in the model


@dataclass(frozen=True, slots=True)
class Scenario:
    """How a synthetic alliance's savings come about (EUR; rates per year)."""

    name: str
    stock: int  # initiatives known at the first as-of year, starting over the years after
    intake: float  # Poisson rate of initiatives identified each year, starting the next
    growth: float  # organic growth of the realized level each year
    growth_sd: float = 0.02


S0 = Scenario("S0 closed portfolio", stock=18, intake=0.0, growth=0.0)
S1 = Scenario("S1 Poisson intake", stock=3, intake=3.0, growth=0.0)
S2 = Scenario("S2 intake and 8% growth", stock=3, intake=3.0, growth=0.08)


@dataclass(frozen=True, slots=True)
class _Planned:
    id: str
    function: str
    known: int  # year identified
    start: int  # January of this year, full run-rate at once
    run_rate: float
    delivered: float  # run-rate x delivered x magnitude, the truth's draw


def synthetic_history(
    scenario: Scenario, seed: int
) -> tuple[list[Case], dict[int, float], TermHistory]:
    """One history: as-of years FIRST..FIRST+7, each with the pipeline known then over the
    realized level, the realized level of every year and the register's arrivals."""
    rng = np.random.default_rng([seed, 25])
    last = FIRST + AS_OF_YEARS - 1 + HORIZONS
    planned = _register(scenario, rng, last)
    level = 1_000_000_000.0
    truth: dict[int, float] = {FIRST: level}
    for year in range(FIRST + 1, last + 1):
        persist = math.exp(0.01 * rng.standard_normal() - 0.01**2 / 2)
        growth = (
            scenario.growth + scenario.growth_sd * rng.standard_normal() if scenario.growth else 0.0
        )
        new = sum(p.delivered for p in planned if p.start == year)
        level = level * persist * (1.0 + growth) + new
        truth[year] = level
    cases = [_case(as_of, planned, truth) for as_of in range(FIRST, FIRST + AS_OF_YEARS)]
    arrivals = tuple(
        Arrival(p.known, p.run_rate, 0.75, 12 * (p.start - p.known), 0)
        for p in planned if p.known > FIRST
    )  # fmt: skip
    return cases, truth, TermHistory(FIRST, {}, arrivals)


def _register(scenario: Scenario, rng: np.random.Generator, last: int) -> list[_Planned]:
    """The truth's initiatives: delivery and magnitude through the engine's copula (one
    factor per function for the whole history), sizes lognormal around 100 m."""
    factors = {f: rng.standard_normal() for f in FUNCTIONS}
    found: list[tuple[int, int]] = [
        (FIRST, FIRST + 1 + k % (last - FIRST)) for k in range(scenario.stock)
    ]
    for year in range(FIRST + 1, last):
        found += [(year, year + 1)] * int(rng.poisson(scenario.intake))
    planned = []
    for k, (known, start) in enumerate(found):
        function = FUNCTIONS[k % len(FUNCTIONS)]
        run_rate = 100_000_000.0 * math.exp(0.5 * rng.standard_normal())
        shared = math.sqrt(RHO) * factors[function]
        latent = shared + math.sqrt(1 - RHO) * rng.standard_normal()
        delivered = latent > NormalDist().inv_cdf(1 - DEFAULT_PROBABILITY[STAGE])
        sigma = DEFAULT_SIGMA[STAGE]
        normal = shared + math.sqrt(1 - RHO) * rng.standard_normal()
        magnitude = math.exp(sigma * normal - sigma * sigma / 2)
        planned.append(_Planned(f"I{k}", function, known, start, run_rate,
                                run_rate * magnitude * delivered))  # fmt: skip
    return planned


def _case(as_of: int, planned: list[_Planned], truth: dict[int, float]) -> Case:
    items = tuple(
        ForecastInitiative(id=p.id, function=p.function, stage=STAGE,
                           run_rate=Decimal(round(p.run_rate)), start=Month(p.start, 1))
        for p in planned if p.known <= as_of < p.start
    )  # fmt: skip
    baseline = Baseline(as_of, Decimal(round(truth[as_of])), 0.01)
    return Case(
        as_of, Portfolio(items, baseline), known={y: v for y, v in truth.items() if y <= as_of}
    )
