"""Calibrate stage delivery probabilities on the alliance's own history of outcomes.

Where a stage has at least `min_outcomes` recorded outcomes, the probability is the posterior
mean of a Beta-Binomial model whose Beta prior is centred on the default with the weight of
`prior_weight` pseudo-outcomes: (delivered + w p0) / (outcomes + w). It blends history and
default, and history dominates as it grows. Thinner stages keep the default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from synergies.domain.errors import InvalidInput
from synergies.forecasting.inputs import STAGES, Stage
from synergies.forecasting.settings import DEFAULT_PROBABILITY


@dataclass(frozen=True, slots=True)
class StageOutcome:
    """An initiative reached `stage` and later delivered (True) or failed (False)."""

    stage: Stage
    delivered: bool


@dataclass(frozen=True, slots=True)
class CalibratedProbability:
    """A stage's probability and how it was obtained."""

    stage: Stage
    probability: float
    source: Literal["history", "default"]
    outcomes: int
    delivered: int
    default: float

    @property
    def explanation(self) -> str:
        if self.source == "default":
            return (
                f"{self.stage}: default {self.default:.2f} kept, only {self.outcomes} "
                "outcomes on record"
            )
        return (
            f"{self.stage}: {self.probability:.3f} from {self.delivered} delivered of "
            f"{self.outcomes} outcomes, blended with the default {self.default:.2f}"
        )


def calibrate(
    history: Iterable[StageOutcome],
    defaults: Mapping[Stage, float] = DEFAULT_PROBABILITY,
    *,
    min_outcomes: int = 20,
    prior_weight: float = 10.0,
) -> tuple[CalibratedProbability, ...]:
    """One calibrated probability per stage, L0 to L5."""
    if min_outcomes < 1 or prior_weight <= 0:
        raise InvalidInput(
            "calibration needs min_outcomes >= 1 and prior_weight > 0",
            field="calibration",
            fix="use e.g. min_outcomes=20, prior_weight=10",
        )
    counts = {stage: [0, 0] for stage in STAGES}
    for outcome in history:
        counts[outcome.stage][0] += 1
        counts[outcome.stage][1] += int(outcome.delivered)
    return tuple(
        _stage(
            stage, defaults[stage], counts[stage][0], counts[stage][1], min_outcomes, prior_weight
        )
        for stage in STAGES
    )


def _stage(
    stage: Stage, default: float, outcomes: int, delivered: int, minimum: int, weight: float
) -> CalibratedProbability:
    if outcomes < minimum:
        return CalibratedProbability(stage, default, "default", outcomes, delivered, default)
    posterior = (delivered + weight * default) / (outcomes + weight)
    return CalibratedProbability(stage, posterior, "history", outcomes, delivered, default)


def probabilities(calibrated: Iterable[CalibratedProbability]) -> dict[Stage, float]:
    """The stage -> probability mapping that ForecastSettings takes."""
    return {c.stage: c.probability for c in calibrated}
