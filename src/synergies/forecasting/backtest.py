"""Backtest: forecast each past year from what was known then, and score it on what came.

Pure. A `Case` is the portfolio as known at the end of one past year; `backtest` runs the
engine on each case under one `Uncertainty` and sets each horizon's sample against the
realized synergies; `scores` sums the points up (per horizon or overall), and `naive` gives
the point yardsticks a forecast must beat: last year's value, the linear trend and the compound
growth of the years known then (`yardsticks` gives probabilistic ones, scored by CRPS).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from synergies.forecasting.engine import simulate
from synergies.forecasting.inputs import STAGES, ForecastInitiative, Portfolio, Stage
from synergies.forecasting.prepare import F64, prepare
from synergies.forecasting.scores import (
    Score,
    brier,
    coverage,
    mean_score,
    pinball,
    pit,
    pit_histogram,
    sample_crps,
    skill,
)
from synergies.forecasting.settings import (
    DEFAULT_PROBABILITY,
    DEFAULT_SIGMA,
    DEFAULT_SLIPPAGE,
    ForecastSettings,
    Slippage,
)
from synergies.forecasting.yardsticks import YARDSTICKS, Yardsticks

LEVELS = (0.1, 0.25, 0.5, 0.75, 0.9)
NAIVE = ("last year", "linear trend", "compound growth")
MIN_COVERAGE_POINTS = 5
"""Below five points an interval's hit rate moves in steps of 20% or more: no evidence."""


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """The uncertainty settings a backtest runs and calibration fits, as scales on the stage
    defaults: `spread` multiplies every magnitude sigma and the baseline's persistence sigma,
    `slippage` every stage's mean start slippage.

    The spread acts on the log scale around the median: the engine draws mean-one lognormals
    exp(s sigma Z - s^2 sigma^2 / 2), whose median exp(-s^2 sigma^2 / 2) falls as s grows, so
    each amount is raised by exp((s^2 - 1) sigma^2 / 2) to keep the median where s = 1 puts
    it. Widening the bands then widens them both ways instead of moving the forecast down."""

    spread: float = 1.0
    slippage: float = 1.0

    def settings(
        self, base: ForecastSettings, probability: Mapping[Stage, float] | None = None
    ) -> ForecastSettings:
        sigma = {s: DEFAULT_SIGMA[s] * self.spread for s in STAGES}
        slip = {s: _scaled(DEFAULT_SLIPPAGE[s], self.slippage) for s in STAGES}
        chosen = dict(probability) if probability is not None else dict(DEFAULT_PROBABILITY)
        return replace(base, sigma=sigma, slippage=slip, probability=chosen)

    def portfolio(self, portfolio: Portfolio) -> Portfolio:
        if self.spread == 1.0:
            return portfolio
        b = portfolio.baseline
        baseline = replace(b, amount=b.amount * self.recentre(b.sigma), sigma=b.sigma * self.spread)
        items = tuple(self._widened(i) for i in portfolio.initiatives)
        return Portfolio(items, baseline, portfolio.targets)

    def recentre(self, sigma: float) -> Decimal:
        """The factor that keeps a lognormal's median when its sigma is scaled by `spread`."""
        return Decimal(repr(math.exp((self.spread**2 - 1.0) * sigma * sigma / 2.0)))

    def _widened(self, item: ForecastInitiative) -> ForecastInitiative:
        sigma = item.sigma if item.sigma is not None else DEFAULT_SIGMA[item.stage]
        run_rate = item.run_rate * self.recentre(sigma)
        if item.sigma is None:  # the stage's sigma is scaled by `settings`
            return replace(item, run_rate=run_rate)
        return replace(item, run_rate=run_rate, sigma=item.sigma * self.spread)


def _scaled(slip: Slippage, factor: float) -> Slippage:
    return Slippage(slip.kind, slip.mean_months * factor)


@dataclass(frozen=True, slots=True)
class Case:
    """One as-of year: the portfolio as known then (baseline year = `as_of`), the stage
    probabilities calibrated on outcomes known then, and the realized synergies by year known
    then (for the naive forecasts)."""

    as_of: int
    portfolio: Portfolio
    known: Mapping[int, float]
    probability: Mapping[Stage, float] | None = None
    notes: tuple[str, ...] = ()
    own: Mapping[str, float] = field(default_factory=dict)  # EUR realized in as_of, known then


@dataclass(frozen=True, slots=True)
class Run:
    """How each case is simulated: trials, seed and the copula weight."""

    horizons: int = 3
    trials: int = 10_000
    seed: int = 2016
    rho: float = 0.3
    workers: int | None = None
    yardsticks: bool = True  # score the probabilistic yardsticks too (the fit needs none)


@dataclass(frozen=True, slots=True)
class Point:
    """One forecast year of one as-of year against what was realized (EUR)."""

    as_of: int
    year: int
    quantiles: tuple[float, ...]  # at LEVELS
    mean: float
    realized: float
    pit: float
    crps: float
    target: float | None = None
    target_probability: float | None = None
    naive: Mapping[str, float | None] = field(default_factory=dict)
    yardsticks: Mapping[str, float | None] = field(default_factory=dict)  # their CRPS, EUR

    @property
    def horizon(self) -> int:
        return self.year - self.as_of

    def quantile(self, level: float) -> float:
        return self.quantiles[LEVELS.index(level)]


def case_settings(case: Case, run: Run) -> ForecastSettings:
    """The forecast settings of one case before the uncertainty scales apply."""
    base = ForecastSettings(
        target_year=case.as_of + run.horizons, trials=run.trials, seed=run.seed, rho=run.rho
    )
    return replace(base, workers=run.workers) if run.workers is not None else base


def simulate_case(case: Case, run: Run, uncertainty: Uncertainty) -> F64:
    """Per-trial totals (trials, horizons) of the years after `case.as_of`."""
    settings = uncertainty.settings(case_settings(case, run), case.probability)
    portfolio = uncertainty.portfolio(case.portfolio)
    return simulate(prepare(portfolio, settings), settings).totals


def points_of(
    case: Case, totals: F64, truth: Mapping[int, float], with_yardsticks: bool = True
) -> list[Point]:
    """The points of one case: each forecast year that has a realized value."""
    targets = {t.year: float(t.amount) for t in case.portfolio.targets}
    yardsticks = Yardsticks.known_at(case.known, case.as_of) if with_yardsticks else None
    found = []
    for j in range(totals.shape[1]):
        year = case.as_of + 1 + j
        if year not in truth:
            continue
        sample, realized = totals[:, j], truth[year]
        target = targets.get(year)
        found.append(Point(
            as_of=case.as_of, year=year,
            quantiles=tuple(float(q) for q in np.quantile(sample, LEVELS)),
            mean=float(sample.mean()), realized=realized, pit=pit(sample, realized),
            crps=sample_crps(sample, realized), target=target,
            target_probability=float(np.mean(sample >= target)) if target is not None else None,
            naive=naive(case.known, case.as_of, year - case.as_of),
            yardsticks=yardsticks.crps(year, realized) if yardsticks else {},
        ))  # fmt: skip
    return found


def backtest(
    cases: Sequence[Case], truth: Mapping[int, float], run: Run, uncertainty: Uncertainty
) -> list[Point]:
    """Every case forecast and scored against `truth` (realized EUR by year)."""
    return [
        p
        for case in cases
        for p in points_of(case, simulate_case(case, run, uncertainty), truth, run.yardsticks)
    ]


def naive(known: Mapping[int, float], as_of: int, horizon: int) -> dict[str, float | None]:
    """The naive point forecasts of year as_of + horizon from the years known at as_of."""
    years = sorted(y for y in known if y <= as_of)
    if as_of not in known:
        return dict.fromkeys(NAIVE)
    last = known[as_of]
    trend = growth = None
    if len(years) >= 2:
        xs = np.array(years, dtype=np.float64)
        slope, intercept = np.polyfit(xs, np.array([known[y] for y in years]), 1)
        trend = float(slope * (as_of + horizon) + intercept)
        first = known[years[0]]
        if first > 0 and last > 0:
            rate = (last / first) ** (1.0 / (as_of - years[0]))
            growth = last * rate**horizon
    return {"last year": last, "linear trend": trend, "compound growth": growth}


MEANINGS = {
    "coverage P10-P90": "share of years realized inside the P10-P90 band (nominal 0.80)",
    "coverage P25-P75": "share of years realized inside the P25-P75 band (nominal 0.50)",
    "CRPS": "mean distance of the forecast distribution from the outcome, EUR (lower is better)",
    "pinball P10": "quantile loss of the P10, EUR (lower is better)",
    "pinball P50": "quantile loss of the P50, EUR (lower is better; half the absolute error)",
    "pinball P90": "quantile loss of the P90, EUR (lower is better)",
    "bias": "mean of realized - P50, EUR (above 0: the forecast ran low)",
    "Brier target met": "squared error of P(target met) where a target existed (0 best, 0.25 a coin)",
    "mean PIT": "mean of the forecast's P(X < realized) (0.5 if unbiased)",
}


def scores(points: Sequence[Point]) -> list[Score]:
    """The scores of `points` (one horizon, or all), each with its one-line meaning."""
    y = [p.realized for p in points]
    inner = coverage([p.quantile(0.1) for p in points], [p.quantile(0.9) for p in points], y)
    middle = coverage([p.quantile(0.25) for p in points], [p.quantile(0.75) for p in points], y)
    crps = mean_score("CRPS", [p.crps for p in points], 1, MEANINGS["CRPS"])
    found = [
        _mean("coverage P10-P90", list(inner), MIN_COVERAGE_POINTS, 0.8),
        _mean("coverage P25-P75", list(middle), MIN_COVERAGE_POINTS, 0.5),
        crps,
        *(_mean(f"pinball P{round(100 * q)}", [pinball(p.quantile(q), q, p.realized)
                                                for p in points], 1) for q in (0.1, 0.5, 0.9)),
        _mean("bias", [p.realized - p.quantile(0.5) for p in points], 2),
        _mean("mean PIT", [p.pit for p in points], MIN_COVERAGE_POINTS, 0.5),
        _mean("Brier target met", [brier(p.target_probability, p.realized >= p.target)
                                   for p in points if p.target is not None
                                   and p.target_probability is not None], 1),
    ]  # fmt: skip
    return (
        found
        + [_skill(points, name) for name in NAIVE]
        + [_yardstick_skill(points, name) for name in YARDSTICKS if _scored(points)]
    )


def _scored(points: Sequence[Point]) -> bool:
    """The yardsticks were scored (a calibration's candidates skip them)."""
    return any(p.yardsticks for p in points)


def _mean(name: str, values: Sequence[float], needs: int, nominal: float | None = None) -> Score:
    return mean_score(name, values, needs, MEANINGS[name], nominal)


def _skill(points: Sequence[Point], name: str) -> Score:
    """CRPS skill against a naive point forecast (whose CRPS is its absolute error), on the
    points where that naive forecast exists."""
    usable = [p for p in points if p.naive.get(name) is not None]
    model = mean_score("", [p.crps for p in usable], 2, "").value
    errors = [abs(p.realized - (p.naive[name] or 0.0)) for p in usable]
    loss = mean_score("", errors, 2, "").value
    meaning = f"1 - CRPS / error of the {name} forecast (above 0: the model beats it)"
    return Score(f"skill vs {name}", skill(model, loss), len(usable), 2, meaning)


def _yardstick_skill(points: Sequence[Point], name: str) -> Score:
    """CRPS skill against a probabilistic yardstick, on the points where it exists."""
    usable = [p for p in points if p.yardsticks.get(name) is not None]
    model = mean_score("", [p.crps for p in usable], 2, "").value
    loss = mean_score("", [p.yardsticks[name] or 0.0 for p in usable], 2, "").value
    meaning = f"1 - CRPS / CRPS of the {name} yardstick (above 0: the model beats it)"
    return Score(f"skill vs {name}", skill(model, loss), len(usable), 2, meaning)


def histogram(points: Sequence[Point]) -> tuple[int, ...] | None:
    """The PIT histogram, or None on fewer points than it needs."""
    if len(points) < MIN_COVERAGE_POINTS:
        return None
    return pit_histogram([p.pit for p in points])


def by_horizon(points: Sequence[Point]) -> dict[int, list[Point]]:
    grouped: dict[int, list[Point]] = {}
    for p in sorted(points, key=lambda p: (p.horizon, p.as_of)):
        grouped.setdefault(p.horizon, []).append(p)
    return grouped


def mean_crps(points: Sequence[Point]) -> float:
    """Mean CRPS of points, scaled per point by the realized value so years of different
    size weigh alike (what calibration minimizes)."""
    if not points:
        return math.inf
    return math.fsum(p.crps / max(abs(p.realized), 1.0) for p in points) / len(points)
