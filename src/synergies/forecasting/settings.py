"""How a forecast is run: horizon, trials, seed and the stage-gate risk assumptions.

Defaults (documented, overridable):

| stage | P(delivery) | magnitude sigma | start slippage |
|---|---|---|---|
| L0 idea | 0.10 | 0.50 | geometric, mean 6 months |
| L1 identified | 0.25 | 0.40 | geometric, mean 4 months |
| L2 validated | 0.50 | 0.30 | geometric, mean 3 months |
| L3 approved | 0.75 | 0.20 | geometric, mean 2 months |
| L4 executed | 0.90 | 0.10 | geometric, mean 1 month |
| L5 realized | 1.00 | 0.05 | none |

Side statuses: `at_risk` halves the probability; `cancelled` delivers nothing; `on_hold` keeps
the stage probability but starts `on_hold_delay_months` later (paused work resumes late, it
is not presumed dead). An initiative's own probability override replaces the stage default
and the at-risk factor.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from synergies.domain.calendar import CALENDAR_YEAR, FiscalCalendar
from synergies.domain.errors import InvalidInput
from synergies.forecasting.inputs import STAGES, Stage

SlipKind = Literal["none", "geometric", "poisson"]


@dataclass(frozen=True, slots=True)
class Slippage:
    """Whole months a start slips: a non-negative count with the given mean."""

    kind: SlipKind = "geometric"
    mean_months: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("none", "geometric", "poisson"):
            raise InvalidInput(
                f"unknown slippage kind {self.kind!r}",
                field="slippage",
                fix="use none, geometric or poisson",
            )
        if not self.mean_months >= 0:
            raise InvalidInput("slippage mean < 0", field="slippage", fix="give >= 0 months")


NO_SLIPPAGE = Slippage("none", 0.0)

DEFAULT_PROBABILITY: Mapping[Stage, float] = {
    "L0": 0.10, "L1": 0.25, "L2": 0.50, "L3": 0.75, "L4": 0.90, "L5": 1.00,
}  # fmt: skip
DEFAULT_SIGMA: Mapping[Stage, float] = {
    "L0": 0.50, "L1": 0.40, "L2": 0.30, "L3": 0.20, "L4": 0.10, "L5": 0.05,
}  # fmt: skip
DEFAULT_SLIPPAGE: Mapping[Stage, Slippage] = {
    "L0": Slippage("geometric", 6.0),
    "L1": Slippage("geometric", 4.0),
    "L2": Slippage("geometric", 3.0),
    "L3": Slippage("geometric", 2.0),
    "L4": Slippage("geometric", 1.0),
    "L5": NO_SLIPPAGE,
}
AT_RISK_FACTOR = 0.5
BLOCK_TRIALS = 1_000
"""Trials per random-stream block. Part of the seed: changing it changes the draws."""


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    """Horizon, sampling and risk assumptions. Results depend on these and the seed only.

    `chunk_trials` is how many trials one worker simulates at once (rounded down to whole
    blocks of 1,000 trials; None picks it from the portfolio size to stay near 200 MB per
    worker); neither it nor `workers` changes the results. `rho` is the weight of the shared function factor in the Gaussian copula.
    `first_year` defaults to the year after the baseline.
    """

    target_year: int
    trials: int = 100_000
    seed: int = 2016
    chunk_trials: int | None = None
    workers: int = field(default_factory=_default_workers)
    rho: float = 0.3
    probability: Mapping[Stage, float] = field(default_factory=lambda: dict(DEFAULT_PROBABILITY))
    sigma: Mapping[Stage, float] = field(default_factory=lambda: dict(DEFAULT_SIGMA))
    slippage: Mapping[Stage, Slippage] = field(default_factory=lambda: dict(DEFAULT_SLIPPAGE))
    max_slip_months: int = 24
    on_hold_delay_months: int = 12
    first_year: int | None = None
    calendar: FiscalCalendar = CALENDAR_YEAR

    def __post_init__(self) -> None:
        _require(self.trials >= 1, "trials", "give at least 1 trial")
        _require(self.seed >= 0, "seed", "give a non-negative integer")
        _require(self.chunk_trials is None or self.chunk_trials >= 1, "chunk_trials", ">= 1")
        _require(self.workers >= 1, "workers", "give at least 1")
        _require(0.0 <= self.rho <= 1.0, "rho", "give a weight in [0, 1]")
        _require(0 <= self.max_slip_months <= 120, "max_slip_months", "give 0..120 months")
        _require(self.on_hold_delay_months >= 0, "on_hold_delay_months", "give >= 0 months")
        for stage in STAGES:
            _require(stage in self.probability, "probability", f"give a probability for {stage}")
            _require(0.0 <= self.probability[stage] <= 1.0, "probability", "give 0..1")
            _require(self.sigma.get(stage, -1.0) >= 0.0, "sigma", f"give sigma >= 0 for {stage}")
            _require(stage in self.slippage, "slippage", f"give a slippage for {stage}")

    def years(self, baseline_year: int) -> tuple[int, ...]:
        """The forecast years, first to target year inclusive."""
        first = self.first_year if self.first_year is not None else baseline_year + 1
        if self.target_year < first:
            raise InvalidInput(
                f"target year {self.target_year} is before the first forecast year {first}",
                field="target_year",
                fix=f"give a target year from {first}",
            )
        return tuple(range(first, self.target_year + 1))

    def with_probabilities(self, probability: Mapping[Stage, float]) -> ForecastSettings:
        """The same settings with other stage probabilities (e.g. calibrated ones)."""
        return replace(self, probability=dict(probability))


def _require(ok: bool, name: str, fix: str) -> None:
    if not ok:
        raise InvalidInput(f"invalid forecast setting {name}", field=name, fix=fix)
