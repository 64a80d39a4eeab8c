"""What the growth and intake terms are fitted on, read from the backtest's history.

An initiative arrives in the first as-of year whose knowledge filter knows it (the same rule
the backtest's cases follow: its stage history with `recorded` dating, its approval or first
realized savings with `effective` dating); it arrives with the plan figures known then, at the
gate probability of the stage it had."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Initiative
from synergies.forecasting.backtest import Case
from synergies.forecasting.history import Knowledge, initiative_as_of
from synergies.forecasting.intake import Arrival
from synergies.forecasting.settings import DEFAULT_PROBABILITY
from synergies.forecasting.term_choice import TermHistory
from synergies.services.engine_inputs import as_engine_input

if TYPE_CHECKING:  # the backtest's use case calls this module
    from synergies.services.backtest import History, Span


def term_history(history: History, span: Span, cases: Sequence[Case]) -> TermHistory:
    """Arrivals and newcomers' realized savings, year by year over the cases' years."""
    by_year = {c.as_of: c for c in cases}
    first = min(by_year) if by_year else span.first
    seen: set[str] = set()
    realizing: set[str] = set()
    arrivals: list[Arrival] = []
    newcomers: dict[int, float] = {}
    for year in range(first, max(by_year, default=first) + 1):
        case = by_year.get(year)
        realizing |= set(case.own) if case else set()
        knowledge = Knowledge(year, span.dating)
        new = [
            state
            for item in history.initiatives
            if item.id not in seen
            and (state := _known(history, item, item.id in realizing, knowledge)) is not None
        ]
        seen |= {i.id for i in new}
        if case is not None:
            newcomers[year] = sum(case.own.get(i.id, 0.0) for i in new)
        if year > first:
            arrivals += [_arrival(history, i, year, case) for i in new]
    return TermHistory(first, newcomers, tuple(arrivals))


def _known(
    history: History, item: Initiative, realizing: bool, knowledge: Knowledge
) -> Initiative | None:
    if item.agreement in history.excluded_agreements:
        return None
    state = initiative_as_of(item, history.events.get(item.id, []), realizing, knowledge,
                             history.plans.get(item.id, ()))  # fmt: skip
    return state if state is not None and state.forecast is not None else None


def _arrival(history: History, state: Initiative, year: int, case: Case | None) -> Arrival:
    assert state.forecast is not None  # _known keeps initiatives with figures only
    engine = as_engine_input(state, state.forecast, history.fx)
    gates = case.probability if case is not None and case.probability else DEFAULT_PROBABILITY
    probability = engine.probability if engine.probability is not None else gates[engine.stage]
    return Arrival(
        year=year,
        run_rate=float(engine.run_rate),
        probability=probability,
        start_offset=max(0, Month(year, 1).months_until(engine.start)),
        ramp_months=engine.ramp_months,
    )
