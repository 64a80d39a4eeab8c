"""The growth and intake terms: what they are fitted on, read from the backtest's history,
and which a forecast uses.

An initiative arrives in the first as-of year whose knowledge filter knows it (the same rule
the backtest's cases follow: its stage history with `recorded` dating, its approval or first
realized savings with `effective` dating); it arrives with the plan figures known then, at the
gate probability of the stage it had."""

from __future__ import annotations

from collections.abc import Sequence

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Initiative
from synergies.forecasting.backtest import Case, Run
from synergies.forecasting.history import Knowledge, dating_for, initiative_as_of
from synergies.forecasting.intake import Arrival
from synergies.forecasting.settings import DEFAULT_PROBABILITY
from synergies.forecasting.term_choice import TermChoice, TermHistory, choose_terms
from synergies.forecasting.terms import Terms
from synergies.forecasting.versions import SettingsVersion
from synergies.services import backtest
from synergies.services.context import Context
from synergies.services.engine_inputs import as_engine_input

CHOICE_TRIALS = 2_000
"""Trials per past as-of year when a forecast chooses its terms: the choice compares mean
CRPS across combinations that share their draws, which 2,000 trials settle."""


def live_terms(
    ctx: Context, year: int, seed: int, rho: float, in_force: SettingsVersion
) -> tuple[Terms, TermChoice | None]:
    """The terms a forecast from the end of `year` adds: fitted on the history known then,
    those on that win on the past views whose outcomes were realized by `year`. No terms
    (and no choice) when no earlier year was realized."""
    history = backtest.read_history(ctx)
    first = min(history.truth, default=year)
    if year <= first:
        return Terms(), None
    dating = dating_for(history.entries, first)
    span = backtest.Span(first, year, backtest.MAX_HORIZONS, dating)
    found = backtest.cases(history, span)
    truth = {y: v for y, v in history.truth.items() if y <= year}
    run = Run(horizons=span.horizons, trials=CHOICE_TRIALS, seed=seed, rho=rho)
    choice = choose_terms(
        found, truth, run, in_force.uncertainty, term_history(history, span, found)
    )
    fitted = choice.fitted.get(year)
    return (fitted.only(choice.chosen) if fitted else Terms()), choice


def term_history(
    history: backtest.History, span: backtest.Span, cases: Sequence[Case]
) -> TermHistory:
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
    history: backtest.History, item: Initiative, realizing: bool, knowledge: Knowledge
) -> Initiative | None:
    if item.agreement in history.excluded_agreements:
        return None
    state = initiative_as_of(
        item, history.events.get(item.id, []), realizing, knowledge, history.plans.get(item.id, ())
    )
    return state if state is not None and state.forecast is not None else None


def _arrival(history: backtest.History, state: Initiative, year: int, case: Case | None) -> Arrival:
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
