"""The backtest at initiative level: did each initiative's realized savings fall inside its
own band?

Pure. An initiative's own forecast is its marginal in the engine's model: its realized saving
of the as-of year persisting (the baseline's lognormal), plus, if it delivers, its run-rate
times a mean-one lognormal magnitude times the share of each year at its slipped ramp. The
copula ties initiatives together but leaves each one's marginal alone, so the marginal is
drawn directly, all initiatives of a case at once (no per-initiative engine run).

Only initiatives with savings of their own known in the as-of year count: before that there
is no history of theirs to judge a band by. Those fully in the realized baseline (ramped, L5)
are judged on their persistence alone, as the model forecasts them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from synergies.forecasting.backtest import (
    LEVELS,
    MEANINGS,
    MIN_COVERAGE_POINTS,
    Case,
    Run,
    Uncertainty,
    case_settings,
)
from synergies.forecasting.prepare import F64, I64, Prepared, prepare
from synergies.forecasting.scores import Score, mean_score
from synergies.forecasting.streams import LEVELS as SLIP_LEVELS

TRIALS = 2_000
"""Trials per initiative: enough for its P10 and P90 to within about a point of coverage."""
CHUNK = 500
"""Initiatives drawn at once (about 25 MB at 2,000 trials and 3 years)."""


@dataclass(frozen=True, slots=True)
class InitiativePoint:
    """One initiative's forecast of one year from one as-of year, against its realized EUR."""

    initiative: str
    as_of: int
    year: int
    quantiles: tuple[float, ...]  # at LEVELS
    realized: float
    pit: float

    @property
    def horizon(self) -> int:
        return self.year - self.as_of

    def inside(self, low: float, high: float) -> bool:
        q = dict(zip(LEVELS, self.quantiles, strict=True))
        return q[low] <= self.realized <= q[high]


@dataclass(frozen=True, slots=True)
class InitiativeRecord:
    """How one initiative's bands fared over its points."""

    initiative: str
    points: int
    inside_p10_p90: int
    mean_pit: float


def initiative_points(
    cases: Sequence[Case],
    own_truth: Mapping[str, Mapping[int, float]],
    truth_years: Sequence[int],
    run: Run,
    uncertainty: Uncertainty,
) -> list[InitiativePoint]:
    """Every case's initiatives with savings known at its as-of year, each forecast alone and
    set against its realized savings (0 where the ledger has none) of each realized year."""
    realized_years = set(truth_years)
    found: list[InitiativePoint] = []
    for case in cases:
        settings = uncertainty.settings(case_settings(case, run), case.probability)
        portfolio = uncertainty.portfolio(case.portfolio)
        prep = prepare(portfolio, settings)
        index = {i.id: k for k, i in enumerate(portfolio.initiatives)}
        ids = sorted(i for i, v in case.own.items() if v > 0)
        rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence([run.seed, case.as_of])))
        for first in range(0, len(ids), CHUNK):
            chunk = ids[first : first + CHUNK]
            part = np.array([index.get(i, -1) for i in chunk], dtype=np.int64)
            own = np.array([case.own[i] for i in chunk], dtype=np.float64)
            samples = _draw(prep, part, own, portfolio.baseline.sigma, min(run.trials, TRIALS),
                            rng)  # fmt: skip
            quantiles = np.quantile(samples, LEVELS, axis=1)  # (levels, initiatives, years)
            for j, initiative in enumerate(chunk):
                for y, year in enumerate(prep.years):
                    if year not in realized_years:
                        continue
                    realized = own_truth.get(initiative, {}).get(year, 0.0)
                    sample = samples[j, :, y]
                    pit = float(np.mean(sample < realized) + 0.5 * np.mean(sample == realized))
                    found.append(InitiativePoint(
                        initiative, case.as_of, year,
                        tuple(float(q) for q in quantiles[:, j, y]), realized, pit,
                    ))  # fmt: skip
    return found


def _draw(
    prep: Prepared, part: I64, own: F64, own_sigma: float, trials: int, rng: np.random.Generator
) -> F64:
    """(initiatives, trials, years): each initiative's own savings, alone. `part` holds each
    one's index in `prep`, or -1 for one that adds nothing more (only its realized persists)."""
    n, years = len(part), len(prep.years)
    persist = np.exp(own_sigma * rng.standard_normal((n, trials)) - own_sigma**2 / 2.0)
    result: F64 = np.repeat((own[:, None] * persist)[:, :, None], years, axis=2)
    rows = np.flatnonzero(part >= 0)
    if len(rows):
        live = part[rows]
        m = len(live)
        delivered = rng.standard_normal((m, trials)) > prep.threshold[live][:, None]
        sigma = prep.sigma[live][:, None]
        magnitude = np.exp(sigma * rng.standard_normal((m, trials)) - sigma * sigma / 2.0)
        draws = rng.integers(0, SLIP_LEVELS, size=(m, trials))
        months = prep.slip_table[prep.slip_row[live][:, None], draws].astype(np.int64)
        share = prep.year_share[prep.bin_base[live][:, None] + months]  # (m, trials, years)
        result[rows] += (delivered * magnitude * prep.run_rate[live][:, None])[:, :, None] * share
    return result


def scores(points: Sequence[InitiativePoint]) -> list[Score]:
    """Coverage of each initiative's own bands and its mean PIT, over all its points."""
    return [
        mean_score("coverage P10-P90", [float(p.inside(0.1, 0.9)) for p in points],
                   MIN_COVERAGE_POINTS, MEANINGS["coverage P10-P90"], 0.8),
        mean_score("coverage P25-P75", [float(p.inside(0.25, 0.75)) for p in points],
                   MIN_COVERAGE_POINTS, MEANINGS["coverage P25-P75"], 0.5),
        mean_score("mean PIT", [p.pit for p in points], MIN_COVERAGE_POINTS, MEANINGS["mean PIT"],
                   0.5),
    ]  # fmt: skip


def records(points: Sequence[InitiativePoint]) -> list[InitiativeRecord]:
    """Per initiative, most often outside its P10-P90 band first."""
    grouped: dict[str, list[InitiativePoint]] = {}
    for p in points:
        grouped.setdefault(p.initiative, []).append(p)
    found = [
        InitiativeRecord(
            initiative,
            len(ps),
            sum(p.inside(0.1, 0.9) for p in ps),
            math.fsum(p.pit for p in ps) / len(ps),
        )
        for initiative, ps in grouped.items()
    ]
    return sorted(found, key=lambda r: (r.inside_p10_p90 - r.points, -r.points, r.initiative))
