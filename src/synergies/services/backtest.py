"""The backtest and calibration use cases: rebuild each past year's portfolio as the store
knew it, forecast from it, and score the forecasts on what the ledger realized.

The truth is the synergy report's realized synergies by year (the whole ledger, as now); the
forecasts see only what `forecasting.history` says was known at each view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from synergies.domain.calendar import CALENDAR_YEAR, Month
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.fx import FxTable
from synergies.domain.initiatives import Initiative, SideStatus, Stage
from synergies.domain.ledger import LedgerEntry
from synergies.forecasting import Baseline, Portfolio, Target, calibrate
from synergies.forecasting.backtest import Case, Point, Run, Uncertainty, backtest
from synergies.forecasting.calibration import probabilities
from synergies.forecasting.fit import Fit, fit
from synergies.forecasting.history import (
    Dating,
    Knowledge,
    StageEvent,
    dating_for,
    events_by_initiative,
    initiative_as_of,
    known_entries,
    outcomes_known,
)
from synergies.reports.synergy_report import Breakdown, Tally
from synergies.services import initiatives, reports, structure
from synergies.services.audit_trail import ACCOUNT_ACTIONS
from synergies.services.context import Context
from synergies.services.forecasts import BASELINE_SIGMA, as_engine_input, remaining, to_eur
from synergies.services.security import Action
from synergies.storage import initiative_rows, ledger_rows

MAX_HORIZONS = 3


@dataclass(frozen=True, slots=True)
class History:
    """Everything the backtest reads from the store, read once."""

    truth: dict[int, float]  # realized EUR by year, the whole ledger
    entries: list[LedgerEntry]
    events: dict[str, list[StageEvent]]
    initiatives: list[Initiative]
    fx: FxTable
    excluded_agreements: frozenset[str]
    targets: list[tuple[int, Decimal]]  # alliance-wide targets, EUR


@dataclass(frozen=True, slots=True)
class Span:
    """The as-of years backtested, the horizons and how facts are dated."""

    first: int
    last: int
    horizons: int
    dating: Dating


@dataclass(frozen=True, slots=True, eq=False)
class BacktestOutcome:
    span: Span
    run: Run
    uncertainty: Uncertainty
    cases: tuple[Case, ...]
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True, eq=False)
class CalibrationOutcome:
    span: Span
    run: Run
    fit: Fit


def read_history(ctx: Context) -> History:
    ctx.allow(Action.read)
    report = reports.synergy_report(ctx)
    truth = {y.year: float(y.realized.amount) for y in report.years if y.realized.amount}
    with ctx.reading() as conn:
        entries = ledger_rows.load_entries(conn)
        rows = initiative_rows.stage_history(conn)
    fx = structure.fx_table(ctx)
    events = events_by_initiative(StageEvent(r["initiative"], r["to_stage"], r["at"]) for r in rows)
    excluded = frozenset(
        a.code for a in structure.agreements(ctx).values() if a.excluded_from_synergies
    )
    targets = [
        (t.year, to_eur(fx, t.amount, Month(t.year, 12)))
        for t in structure.targets(ctx)
        if t.function is None
    ]
    return History(truth, entries, events, initiatives.list_initiatives(ctx), fx, excluded, targets)


def span_of(
    history: History, first: int | None, last: int | None, horizons: int, dating: Dating | None
) -> Span:
    """The as-of years asked for, within the realized years; a later year must be realized
    (else not found: the store's data decides, as for the forecast's as_of)."""
    if not history.truth:
        raise NotFound("no realized synergies to backtest", fix="record ledger entries first")
    if not 1 <= horizons <= MAX_HORIZONS:
        raise InvalidInput(f"horizon {horizons} is not 1 to {MAX_HORIZONS}", field="horizon",
                           fix=f"give 1 to {MAX_HORIZONS} years")  # fmt: skip
    low, high = min(history.truth), max(history.truth) - 1
    start = first if first is not None else low
    end = last if last is not None else high
    if start < low or end > high or start > end:
        # Like the forecast's as_of: which years have realized synergies is the store's data.
        raise NotFound(
            f"no as-of years {start}-{end} within {low}-{high}", field="from",
            fix=f"give as-of years from {low} to {high}: each needs a realized year after it",
        )  # fmt: skip
    chosen = dating or dating_for(history.entries, start)
    return Span(start, end, horizons, chosen)


def case_as_of(history: History, year: int, span: Span) -> Case | None:
    """The portfolio as known at the end of `year`, or None if nothing was realized by then."""
    knowledge = Knowledge(year, span.dating)
    known = known_entries(history.entries, knowledge)
    tally = Tally().plus(known, history.fx, "EUR", CALENDAR_YEAR, Breakdown.initiative)
    realized = {y: float(v) for y, v in tally.realized.items() if v}
    if year not in tally.realized or not tally.realized[year]:
        return None
    realizing = {key for (y, key), amount in tally.by_key.items() if amount > 0}
    members, notes = [], []
    for item in history.initiatives:
        state = initiative_as_of(item, history.events.get(item.id, []), item.id in realizing,
                                 knowledge)  # fmt: skip
        if state is None or _left_out(state, history.excluded_agreements):
            continue
        assert state.forecast is not None  # _left_out refuses initiatives without figures
        rest = remaining(as_engine_input(state, state.forecast, history.fx), year)
        if rest is not None:
            members.append(rest)
    targets = tuple(Target(y, a) for y, a in history.targets if year < y <= year + span.horizons)
    calibrated = calibrate(outcomes_known(history.events, knowledge))
    if span.dating == "effective":
        notes.append("plan figures as they stand now: the store keeps no dated plan versions")
    return Case(
        as_of=year,
        portfolio=Portfolio(
            tuple(members), Baseline(year, tally.realized[year], BASELINE_SIGMA), targets
        ),
        known=realized,
        probability=probabilities(calibrated),
        notes=tuple(notes),
    )


def _left_out(i: Initiative, excluded_agreements: frozenset[str]) -> bool:
    """What the live forecast leaves out too: no figures, cancelled, excluded agreement, L5."""
    return (
        i.forecast is None
        or i.side_status is SideStatus.cancelled
        or i.agreement in excluded_agreements
        or i.stage is Stage.L5
    )


def cases(history: History, span: Span) -> list[Case]:
    found = [case_as_of(history, y, span) for y in range(span.first, span.last + 1)]
    return [c for c in found if c is not None]


def run_backtest(
    ctx: Context,
    *,
    first: int | None = None,
    last: int | None = None,
    horizons: int = MAX_HORIZONS,
    trials: int = 10_000,
    seed: int = 2016,
    rho: float = 0.3,
    dating: Dating | None = None,
    uncertainty: Uncertainty | None = None,
) -> BacktestOutcome:
    """Forecast each as-of year from what was known then and score it; cached per store
    version like the forecast (the same question on the same data has the same answer)."""
    ctx.allow(Action.read)
    chosen = uncertainty or Uncertainty()
    run = Run(horizons=horizons, trials=trials, seed=seed, rho=rho)

    def compute(_version: int = 0) -> BacktestOutcome:
        history = read_history(ctx)
        span = span_of(history, first, last, horizons, dating)
        found = cases(history, span)
        return BacktestOutcome(span, run, chosen, tuple(found),
                               tuple(backtest(found, history.truth, run, chosen)))  # fmt: skip

    if ctx.in_transaction:
        return compute()
    key = ("backtest", first, last, horizons, trials, seed, rho, dating, chosen)
    return ctx.store.cache.get(key, compute, ACCOUNT_ACTIONS)


def calibrate_uncertainty(
    ctx: Context,
    *,
    first: int | None = None,
    last: int | None = None,
    horizons: int = MAX_HORIZONS,
    trials: int = 5_000,
    seed: int = 2016,
    rho: float = 0.3,
    dating: Dating | None = None,
    candidates: list[Uncertainty] | None = None,
) -> CalibrationOutcome:
    """Fit the uncertainty settings on the backtest (leave-one-year-out). Writes nothing."""
    ctx.allow(Action.read)
    history = read_history(ctx)
    span = span_of(history, first, last, horizons, dating)
    run = Run(horizons=horizons, trials=trials, seed=seed, rho=rho)
    return CalibrationOutcome(span, run, fit(cases(history, span), history.truth, run, candidates))


def truth_of(outcome: BacktestOutcome) -> Mapping[int, float]:
    return {p.year: p.realized for p in outcome.points}
