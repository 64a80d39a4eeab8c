"""Business functions and their convergence from independent to converged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from synergies.domain.errors import InvalidInput


class ConvergenceStage(StrEnum):
    independent = "independent"
    under_study = "under study"
    converging = "converging"
    converged = "converged"


@dataclass(frozen=True, slots=True)
class ConvergenceEvent:
    stage: ConvergenceStage
    since: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class BusinessFunction:
    code: str  # e.g. "purchasing"
    name: str
    history: tuple[ConvergenceEvent, ...]
    executive: str | None = None  # person id of the alliance executive running it

    def __post_init__(self) -> None:
        dates = [e.since for e in self.history]
        if dates != sorted(dates):
            raise InvalidInput(
                f"convergence history of {self.code} is not in date order",
                field="history",
                fix="list the stages from oldest to newest",
            )

    def stage_on(self, on: date) -> ConvergenceStage:
        current = ConvergenceStage.independent
        for event in self.history:
            if event.since <= on:
                current = event.stage
        return current

    def since(self, on: date) -> date | None:
        latest = [e.since for e in self.history if e.since <= on]
        return latest[-1] if latest else None
