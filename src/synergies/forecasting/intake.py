"""Initiatives not yet identified: the intake term I, a compound Poisson draw.

Pure. Each forecast year brings N ~ Poisson(lambda) new initiatives. lambda is the number that
first appeared in the register per year over the last `RECENT_YEARS` years known (the first
year of the history is the initial stock, not intake), with its uncertainty as a Gamma
posterior drawn once per trial. Each arrival delivers with the gate probability of the stage it
arrived at, its run-rate is lognormal (fitted on the logs of past arrivals' run-rates) and it
starts and ramps like a past arrival drawn at random (months from the January of the year it
appeared to its plan start, and its ramp), so intake reaches the first forecast year only as
far as past arrivals did.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synergies.forecasting.prepare import F64, I64
from synergies.forecasting.ramp import year_fraction_table

RECENT_YEARS = 4
"""Years of arrivals the rate is fitted on: the pipeline's pace changes as the alliance does."""
MIN_SIZES = 2
"""Fewer past arrivals say nothing of the spread of their sizes."""
MANY_ARRIVALS = 30.0
"""Arrivals a year from which their sum is drawn as a normal rather than one by one."""
PRIOR_LOG_SD = 0.8
"""Log-spread of sizes used when too few arrivals say it: a factor of about 2 either way."""


@dataclass(frozen=True, slots=True)
class Arrival:
    """An initiative in the year it first appeared, with the figures known then (EUR)."""

    year: int
    run_rate: float
    probability: float  # its stage's gate probability
    start_offset: int  # months from the January of `year` to its plan start (>= 0)
    ramp_months: int


@dataclass(frozen=True, slots=True)
class Intake:
    """The fitted intake: arrivals per year, their sizes and a pool of start/ramp shapes."""

    count: int  # arrivals in the recent years
    years: int  # recent years observed
    log_mean: float
    log_sd: float
    probability: float
    shapes: tuple[tuple[int, int], ...]  # (start offset, ramp months) of past arrivals

    @property
    def rate(self) -> float:
        return self.count / self.years

    def contributions(self, rng: np.random.Generator, trials: int, years: int) -> F64:
        """Per (trial, year): what new initiatives arriving in the forecast years realize."""
        rates = rng.gamma(self.count + 0.5, 1.0 / self.years, trials) * self.probability
        counts = rng.poisson(rates[:, None], (trials, years))
        shapes, weights = _distinct(self.shapes)
        table = _share_table(shapes, years)  # (shapes, arrival years, years)
        out = np.zeros((trials, years))
        for a in range(years):
            if float(rates.mean()) >= MANY_ARRIVALS:
                out += self._many(rng, counts[:, a], table[:, a, :], weights)
            else:
                out += self._each(rng, counts[:, a], table[:, a, :], weights)
        return out

    def _each(self, rng: np.random.Generator, counts: I64, table: F64, weights: F64) -> F64:
        """Every arrival drawn: its size and its shape, summed per trial and shape."""
        trials, total = len(counts), int(counts.sum())
        if total == 0:
            return np.zeros((trials, table.shape[1]))
        trial = np.repeat(np.arange(trials), counts)
        sizes = np.exp(
            self.log_mean - self.log_sd**2 / 2.0 + self.log_sd * rng.standard_normal(total)
        )
        shape = rng.choice(len(weights), total, p=weights)
        summed = np.bincount(trial * len(weights) + shape, sizes, minlength=trials * len(weights))
        found: F64 = summed.reshape(trials, len(weights)) @ table
        return found

    def _many(self, rng: np.random.Generator, counts: I64, table: F64, weights: F64) -> F64:
        """Many arrivals a year: the sum of N of them is normal with N times their mean and
        covariance across years (their sizes and shapes independent), so the work does not
        grow with the register's pace."""
        mean_size = math.exp(self.log_mean)
        second = mean_size**2 * math.exp(self.log_sd**2)
        mean = mean_size * (weights @ table)
        cov = second * (table.T * weights) @ table - np.outer(mean, mean)
        values, vectors = np.linalg.eigh(cov)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))
        n = counts.astype(np.float64)[:, None]
        noise = rng.standard_normal((len(counts), table.shape[1])) @ root.T
        found: F64 = np.maximum(n * mean + np.sqrt(n) * noise, 0.0)
        return found


def _distinct(shapes: Sequence[tuple[int, int]]) -> tuple[list[tuple[int, int]], F64]:
    """The distinct (start offset, ramp) shapes and how often each was seen, as weights."""
    seen = Counter(shapes)
    return list(seen), np.array(list(seen.values()), dtype=np.float64) / len(shapes)


def _share_table(shapes: Sequence[tuple[int, int]], years: int) -> F64:
    found = np.zeros((len(shapes), years, years))
    for s, (offset, ramp) in enumerate(shapes):
        profile = tuple((k + 1) / ramp for k in range(ramp - 1)) if ramp > 1 else ()
        starts = np.array([12 * a + offset for a in range(years)], dtype=np.int64)
        found[s] = year_fraction_table(profile, starts, years)
    return found


def fit_intake(arrivals: Sequence[Arrival], first_year: int, as_of: int) -> Intake | None:
    """The intake known at the end of `as_of`, from arrivals after the history's first year;
    None when no year of arrivals has been observed yet."""
    observed = range(max(first_year + 1, as_of - RECENT_YEARS + 1), as_of + 1)
    past = [a for a in arrivals if first_year < a.year <= as_of and a.run_rate > 0]
    if not observed:
        return None
    recent = [a for a in past if a.year in observed]
    logs = np.log([a.run_rate for a in past]) if past else np.zeros(0)
    log_sd = float(np.std(logs, ddof=1)) if len(past) >= MIN_SIZES else PRIOR_LOG_SD
    log_mean = float(np.mean(logs)) + log_sd**2 / 2.0 if past else 0.0
    return Intake(
        count=len(recent),
        years=len(observed),
        log_mean=log_mean,
        log_sd=log_sd,
        probability=float(np.mean([a.probability for a in past])) if past else 0.0,
        shapes=tuple((a.start_offset, a.ramp_months) for a in past) or ((0, 12),),
    )
