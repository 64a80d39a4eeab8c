"""The backtest and calibration use cases: rebuild each past year's portfolio as the store
knew it, forecast from it, and score the forecasts on what the ledger realized.

The truth is the synergy report's realized synergies by year (the whole ledger, as now); the
forecasts see only what `forecasting.history` says was known at each view."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from synergies.domain.calendar import CALENDAR_YEAR, Month
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.fx import FxTable
from synergies.domain.initiatives import Initiative, SideStatus, Stage
from synergies.domain.ledger import LedgerEntry
from synergies.forecasting import Baseline, Portfolio, Target, calibrate
from synergies.forecasting.backtest import Case, Point, Run, Uncertainty
from synergies.forecasting.calibration import probabilities
from synergies.forecasting.fit import Fit, fit
from synergies.forecasting.history import (
    Dating,
    Knowledge,
    PlanVersion,
    StageEvent,
    dating_for,
    initiative_as_of,
    known_entries,
    outcomes_known,
    plan_version,
    stage_events,
)
from synergies.forecasting.initiative_bands import InitiativePoint, initiative_points
from synergies.forecasting.term_choice import TermChoice, choose_terms
from synergies.forecasting.versions import SettingsVersion
from synergies.reports.synergy_report import Breakdown, counted_tally
from synergies.services import forecast_settings, forecast_terms, initiatives, reports, structure
from synergies.services.audit_trail import ACCOUNT_ACTIONS
from synergies.services.context import Context
from synergies.services.engine_inputs import as_engine_input, to_eur
from synergies.services.forecasts import BASELINE_SIGMA, remaining
from synergies.services.security import Action
from synergies.storage import audit_rows, initiative_rows, ledger_rows
from synergies.storage.audit_rows import AuditRecord

MAX_HORIZONS = 3
INITIATIVE_SUBJECT = "initiative/"


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
    own_truth: dict[str, dict[int, float]]  # realized EUR by initiative and year, whole ledger
    plans: dict[str, list[PlanVersion]]  # each initiative's audited plan versions, in order


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
    version: SettingsVersion | None = None  # the recorded settings run, unless chosen
    initiative_points: tuple[InitiativePoint, ...] = ()
    terms: TermChoice | None = None  # growth and intake, chosen leave-one-year-out


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
        plans = plan_versions(audit_rows.records(conn, INITIATIVE_SUBJECT))
    fx = structure.fx_table(ctx)
    events = stage_events(rows)
    excluded = frozenset(
        a.code for a in structure.agreements(ctx).values() if a.excluded_from_synergies
    )
    targets = [
        (t.year, to_eur(fx, t.amount, Month(t.year, 12)))
        for t in structure.targets(ctx)
        if t.function is None
    ]
    own_truth: dict[str, dict[int, float]] = {}
    whole = counted_tally(entries, fx, "EUR", CALENDAR_YEAR, Breakdown.initiative)
    for (year, key), amount in whole.by_key.items():
        own_truth.setdefault(key, {})[year] = float(amount)
    return History(truth, entries, events, initiatives.list_initiatives(ctx), fx, excluded,
                   targets, own_truth, plans)  # fmt: skip


def plan_versions(records: Iterable[AuditRecord]) -> dict[str, list[PlanVersion]]:
    """Each initiative's plan as every audited change left it, in the trail's order. The
    audit trail is read here for plan figures only, which every reader may see."""
    found: dict[str, list[PlanVersion]] = {}
    for r in records:
        if r.after is None or not r.subject.startswith(INITIATIVE_SUBJECT):
            continue
        snapshot = json.loads(r.after)
        if isinstance(snapshot, dict) and "forecast" in snapshot:
            found.setdefault(r.subject.removeprefix(INITIATIVE_SUBJECT), []).append(
                plan_version(r.at, snapshot)
            )
    return found


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
    tally = counted_tally(known, history.fx, "EUR", CALENDAR_YEAR, Breakdown.initiative)
    realized = {y: float(v) for y, v in tally.realized.items() if v}
    if year not in tally.realized or not tally.realized[year]:
        return None
    realizing = {key for (y, key), amount in tally.by_key.items() if amount > 0}
    ids = {i.id for i in history.initiatives}
    own = {
        key: float(v) for (y, key), v in tally.by_key.items() if y == year and v > 0 and key in ids
    }
    members, notes = [], []
    for item in history.initiatives:
        state = initiative_as_of(item, history.events.get(item.id, []), item.id in realizing,
                                 knowledge, history.plans.get(item.id, ()))  # fmt: skip
        if state is None or _left_out(state, history.excluded_agreements):
            continue
        assert state.forecast is not None  # _left_out refuses initiatives without figures
        realized_then = Decimal(str(own.get(item.id, 0.0)))  # as the live forecast: its year
        rest = remaining(as_engine_input(state, state.forecast, history.fx), year, realized_then)
        if rest is not None:
            members.append(rest)
    targets = tuple(Target(y, a) for y, a in history.targets if year < y <= year + span.horizons)
    calibrated = calibrate(outcomes_known(history.events, knowledge))
    if span.dating == "effective":
        notes.append("plan figures as they stand now: history loaded after the fact dates "
                     "no plan version")  # fmt: skip
    return Case(
        as_of=year,
        portfolio=Portfolio(
            tuple(members), Baseline(year, tally.realized[year], BASELINE_SIGMA), targets
        ),
        known=realized,
        probability=probabilities(calibrated),
        notes=tuple(notes),
        own=own,
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
    in_force = forecast_settings.current(ctx) if uncertainty is None else None
    chosen = uncertainty or (in_force.uncertainty if in_force else Uncertainty())
    run = Run(horizons=horizons, trials=trials, seed=seed, rho=rho)

    def compute(_version: int = 0) -> BacktestOutcome:
        history = read_history(ctx)
        span = span_of(history, first, last, horizons, dating)
        found = cases(history, span)
        facts = forecast_terms.term_history(history, span, found)
        terms = choose_terms(found, history.truth, run, chosen, facts)
        own = initiative_points(found, history.own_truth, list(history.truth), run, chosen)
        return BacktestOutcome(
            span, run, chosen, tuple(found), terms.points, in_force, tuple(own), terms
        )

    if ctx.in_transaction:
        return compute()
    key = ("backtest", first, last, horizons, trials, seed, rho, dating, chosen, in_force)
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


def calibrate_and_apply(
    ctx: Context, *, note: str = "", **options: Any
) -> tuple[CalibrationOutcome, SettingsVersion]:
    """Fit as `calibrate_uncertainty` does, then record the fit as the settings in force: an
    alliance admin's act, audited, and refused (nothing written) when the fit does no better
    than the defaults out of sample, leaves |bias| above half its CRPS, or lies at the edge of
    the grid tried."""
    ctx.allow(Action.manage_structure)  # before the work, not after it
    outcome = calibrate_uncertainty(ctx, **options)
    return outcome, apply_fit(ctx, outcome, note)


def apply_fit(ctx: Context, outcome: CalibrationOutcome, note: str = "") -> SettingsVersion:
    found, span = outcome.fit, outcome.span
    if not found.better_out_of_sample:
        raise Conflict(
            f"the fit (spread x{found.fitted.spread:g}, slippage x{found.fitted.slippage:g}) "
            f"scores {found.held_out_fitted:.4f} out of sample against the defaults' "
            f"{found.held_out_default:.4f}: it is no better, so it is not applied",
            field="apply", fix="keep the defaults; calibrate again when more years are realized",
        )  # fmt: skip
    if found.biased:
        raise Conflict(
            f"the fit (spread x{found.fitted.spread:g}, slippage x{found.fitted.slippage:g}) "
            f"leaves a bias of {found.bias:+,.0f} EUR against a mean CRPS of {found.crps:,.0f} "
            "EUR: more than half its error is location, which no spread cures, so it is not "
            "applied",
            field="apply",
            fix="look into the bias first; keep the defaults meanwhile",
        )
    if found.at_edge:
        raise Conflict(
            f"the fitted spread x{found.fitted.spread:g} is at the edge of the grid tried: the "
            "best may lie beyond it, and bands pushed that far cover a bias (see the bias "
            "score) rather than measure the spread, so it is not applied",
            field="apply", fix="look into the bias first; keep the defaults meanwhile",
        )  # fmt: skip
    return forecast_settings.record(ctx, SettingsVersion(
        0, found.fitted, note=note, fitted_from=span.first, fitted_to=span.last,
        horizons=span.horizons, trials=outcome.run.trials, seed=outcome.run.seed,
        held_out_default=found.held_out_default, held_out_fitted=found.held_out_fitted,
    ))  # fmt: skip


def truth_of(outcome: BacktestOutcome) -> Mapping[int, float]:
    return {p.year: p.realized for p in outcome.points}
