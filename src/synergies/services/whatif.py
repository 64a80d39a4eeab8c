"""What-if: the forecast with and without hypothetical moves, never written to the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Stage
from synergies.forecasting import ForecastInitiative, Scenario, WhatIf, converge
from synergies.forecasting import what_if as compare_scenario
from synergies.services import structure
from synergies.services.context import Context
from synergies.services.forecast_terms import live_terms
from synergies.services.forecasts import ForecastInputs, forecast_inputs
from synergies.services.security import Action

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ConvergenceMove:
    """Converge `function` from `start`: at full ramp it saves `saving_percent` percent of
    `cost_base`, the function's annual cost in EUR across the partners."""

    function: str
    start: Month
    saving_percent: Decimal
    cost_base: Decimal
    ramp_months: int = 24
    stage: Stage = Stage.L1

    @property
    def label(self) -> str:
        return f"converge {self.function} from {self.start}"


@dataclass(frozen=True, slots=True, eq=False)
class WhatIfOutcome:
    """The moves, what the forecast ran on, and the base and scenario results compared."""

    moves: tuple[ConvergenceMove, ...]
    inputs: ForecastInputs
    result: WhatIf


def what_if(
    ctx: Context,
    moves: Sequence[ConvergenceMove],
    *,
    target_year: int = 2018,
    as_of: int | None = None,
    trials: int = 100_000,
    seed: int = 2016,
    rho: float = 0.3,
) -> WhatIfOutcome:
    """Forecast with and without `moves` on the same seed (a scenario, never the plan)."""
    ctx.allow(Action.read)
    if not moves:
        raise InvalidInput("a what-if needs at least one move", field="moves",
                           fix="name a function to converge, its start, saving and cost base")  # fmt: skip
    hypothetical = tuple(_initiative(ctx, move) for move in moves)
    scenario = Scenario(" + ".join(m.label for m in moves), hypothetical)
    inputs = forecast_inputs(
        ctx, target_year=target_year, as_of=as_of, trials=trials, seed=seed, rho=rho
    )
    terms, _ = live_terms(ctx, inputs.portfolio.baseline.year, seed, rho, inputs.uncertainty)
    result = compare_scenario(inputs.portfolio, scenario, inputs.settings, terms)
    return WhatIfOutcome(tuple(moves), inputs, result)


def _initiative(ctx: Context, move: ConvergenceMove) -> ForecastInitiative:
    structure.function(ctx, move.function)  # refuses an unknown function, listing the known
    if not Decimal(0) < move.saving_percent <= HUNDRED:
        raise InvalidInput(
            f"a saving of {move.saving_percent}% is not above 0 and at most 100%",
            field="saving_percent", fix="give a percentage of the cost base, e.g. 3",
        )  # fmt: skip
    if not move.cost_base > 0:
        raise InvalidInput(
            f"a cost base of {move.cost_base} EUR is not above 0",
            field="cost_base", fix="give the function's annual cost in EUR across the partners",
        )  # fmt: skip
    return converge(
        move.function, move.start, move.saving_percent / HUNDRED, move.cost_base,
        move.ramp_months, stage=move.stage.value,
    )  # fmt: skip
