"""The forecast and payback use cases: from the store to the engine and back.

The live portfolio, the realized baseline, the targets and the stage probabilities calibrated
from the store's own history go in; the engine's result comes out with the notes a reader
needs (what was left out and why, how the probabilities were set)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.initiative_status import InitiativeStatus
from synergies.domain.initiatives import Initiative, SideStatus
from synergies.forecasting import (
    Baseline,
    CalibratedProbability,
    ForecastInitiative,
    ForecastResult,
    ForecastSettings,
    Payback,
    Portfolio,
    StageOutcome,
    Target,
    alliance_payback,
    calibrate,
    forecast,
)
from synergies.forecasting import payback as initiative_payback
from synergies.forecasting.calibration import probabilities
from synergies.forecasting.history import Knowledge, dating_for, outcomes_known, stage_events
from synergies.forecasting.versions import DEFAULTS, SettingsVersion
from synergies.services import (
    forecast_settings,
    initiative_status,
    initiatives,
    reports,
    structure,
)
from synergies.services.audit_trail import ACCOUNT_ACTIONS
from synergies.services.context import Context
from synergies.services.engine_inputs import as_engine_input, to_eur
from synergies.services.security import Action
from synergies.storage import initiative_rows

BASELINE_SIGMA = 0.02  # realized synergies mostly persist; a small spread for leakage
PAYBACK_UNTIL = Month(2020, 12)  # the default horizon of a payback
MAX_HORIZON_YEARS = 30  # far beyond any synergy plan; keeps one run's work bounded


@dataclass(frozen=True, slots=True)
class Excluded:
    initiative: str
    reason: str


View = Literal["today", "known then"]


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    portfolio: Portfolio
    settings: ForecastSettings
    calibration: tuple[CalibratedProbability, ...]
    excluded: tuple[Excluded, ...]
    realized: dict[int, Decimal]  # EUR by calendar year, to set forecasts against outcomes
    uncertainty: SettingsVersion = DEFAULTS  # the recorded uncertainty settings it ran on
    view: View = "today"  # whose portfolio: today's register, or as known at as_of
    notes: tuple[str, ...] = ()  # what the reader must know about the portfolio's view


@dataclass(frozen=True, slots=True, eq=False)
class ForecastOutcome:
    """A forecast and what it was run on: the portfolio, exclusions and calibration."""

    inputs: ForecastInputs
    result: ForecastResult


@dataclass(frozen=True, slots=True)
class PaybackOutcome:
    """Each initiative's payback on the plan to `until`, and the alliance's, pooled."""

    until: Month
    initiatives: tuple[Payback, ...]
    alliance: Payback


def remaining(
    i: ForecastInitiative, as_of: int, realized_run_rate: Decimal
) -> ForecastInitiative | None:
    """What an initiative adds beyond the realized year `as_of`; None if nothing is to come.

    The realized baseline holds what the initiative realized in `as_of` (its realized
    run-rate), whatever its plan said: still to come is its plan's run-rate less that, on the
    rest of its ramp from the next January (on a whole new ramp if its ramp should be over),
    its one-off cost paid already. It stays, at its stage's probability, until it is closed
    (the callers leave closed initiatives out) or reaches its plan. An initiative that realized nothing is never in the baseline."""
    still = i.run_rate - realized_run_rate
    if still <= 0:
        return None
    elapsed = i.start.months_until(Month(as_of, 12)) + 1
    if elapsed <= 0:
        return replace(i, run_rate=still)
    # Late (its ramp should be over, its run-rate not reached): the rest comes over a ramp as
    # long as its plan's, not at once. On the example the shortfall landing whole in the next
    # year ran the backtest's one-year-ahead forecast 411 m high (40 m with the ramp).
    late = elapsed >= i.ramp_months
    return replace(
        i, run_rate=still, start=Month(as_of + 1, 1),
        ramp_months=i.ramp_months if late else i.ramp_months - elapsed, one_off_cost=Decimal(0),
    )  # fmt: skip


def _why_excluded(
    i: Initiative, status: InitiativeStatus, excluded_agreements: set[str]
) -> str | None:
    if i.forecast is None:
        return "no figures yet (L0 idea without an estimate)"
    if i.agreement in excluded_agreements:
        return f"savings under the {i.agreement} agreement are excluded from alliance synergies"
    if status.closed:
        done = "cancelled" if i.side_status is SideStatus.cancelled else "realized (L5)"
        return f"closed, {done}: what it realized is in the realized baseline"
    return None


def _delivered(status: InitiativeStatus, plan: Decimal, year: int) -> str:
    return (
        f"realized {status.realized.run_rate:,.0f} EUR in {year} against its run-rate of "
        f"{plan:,.0f} EUR: already in the realized baseline"
    )


def stage_outcomes(ctx: Context) -> list[StageOutcome]:
    """Each stage every initiative reached, and whether it then delivered (L5) or failed
    (cancelled). Initiatives still in flight tell nothing yet and are left out."""
    with ctx.reading() as conn:
        rows = initiative_rows.stage_history(conn)
    return outcomes_known(stage_events(rows))


def forecast_inputs(
    ctx: Context,
    *,
    target_year: int,
    as_of: int | None = None,
    trials: int = 100_000,
    seed: int = 2016,
    rho: float = 0.3,
    known_then: bool = False,
) -> ForecastInputs:
    """The portfolio as of the end of year `as_of` (default: the latest realized year).

    With `known_then`, a chosen earlier year is forecast from what the store knew then,
    through the backtest's knowledge rule, so it gives the backtest's figures for that year;
    where the store's history cannot say what was known, today's register is used and the
    notes say so. Without it, today's register is seen from the end of `as_of`."""
    ctx.allow(Action.read)
    report = reports.synergy_report(ctx)
    realized = {y.year: y.realized.amount for y in report.years if y.realized.amount}
    if not realized:
        raise NotFound("no realized synergies to start from", fix="record ledger entries first")
    year = as_of if as_of is not None else _default_as_of(realized, target_year, ctx)
    if year not in realized:
        raise NotFound(
            f"no realized synergies in {year}", field="as_of",
            fix=f"pick a year from {min(realized)} to {max(realized)}",
        )  # fmt: skip
    _check_horizon(year, target_year, chosen=as_of is not None)
    in_force = forecast_settings.current(ctx)
    base = ForecastSettings(target_year=target_year, trials=trials, seed=seed, rho=rho)
    since = {y: v for y, v in realized.items() if y > year}
    past = known_then and as_of is not None and as_of < _default_as_of(realized, target_year, ctx)
    then = _known_then(ctx, year, target_year) if past else None
    if isinstance(then, tuple):
        portfolio, calibrated, notes = then
        return ForecastInputs(
            in_force.uncertainty.portfolio(portfolio),
            in_force.uncertainty.settings(base, probabilities(calibrated)),
            calibrated,
            (),
            since,
            in_force,
            "known then",
            notes,
        )
    fx = structure.fx_table(ctx)
    excluded_agreements = {a.code for a in structure.agreements(ctx).values()
                           if a.excluded_from_synergies}  # fmt: skip
    # The status at the end of `year`: the ledger complete to its December.
    board = initiative_status.statuses(ctx, on=date(year + 1, 1, 1))
    members, left_out = [], []
    for i in initiatives.list_initiatives(ctx):
        status = board.of(i.id)
        reason = _why_excluded(i, status, excluded_agreements)
        engine = as_engine_input(i, i.forecast, fx) if reason is None and i.forecast else None
        rest = remaining(engine, year, status.realized.run_rate) if engine else None
        if engine and rest is None:
            reason = _delivered(status, engine.run_rate, year)
        if rest is None:
            left_out.append(Excluded(i.id, reason or ""))
        else:
            members.append(rest)
    targets = tuple(
        Target(t.year, to_eur(fx, t.amount, Month(t.year, 12)))
        for t in structure.targets(ctx)
        if t.function is None and year < t.year <= target_year
    )
    calibration = calibrate(stage_outcomes(ctx))
    portfolio = Portfolio(tuple(members), Baseline(year, realized[year], BASELINE_SIGMA), targets)
    return ForecastInputs(
        in_force.uncertainty.portfolio(portfolio),
        in_force.uncertainty.settings(base, probabilities(calibration)),
        calibration,
        tuple(left_out),
        since,
        in_force,
        notes=(then,) if then else (),
    )


def _known_then(
    ctx: Context, year: int, target_year: int
) -> tuple[Portfolio, tuple[CalibratedProbability, ...], tuple[str, ...]] | str:
    """The portfolio, stage probabilities and notes as the store knew them at the end of
    `year` (the backtest's case for it), or why history cannot say (then today's register
    is used)."""
    from synergies.services import backtest  # it builds on this module

    history = backtest.read_history(ctx)
    dating = dating_for(history.entries, year)
    knowledge = Knowledge(year, dating)
    today = f"history cannot say what was known at the end of {year}"
    if dating == "recorded" and not any(
        e.at <= knowledge.cutoff for events in history.events.values() for e in events
    ):
        return f"{today} (no stage history recorded by then): today's register is used"
    case = backtest.case_as_of(history, year, backtest.Span(year, year, target_year - year, dating))
    if case is None:
        return f"{today} (nothing realized known by then): today's register is used"
    view = (
        f"the portfolio as the store knew it at the end of {year} (facts dated {dating}, "
        f"known by {knowledge.cutoff:%d %B %Y}), as the backtest's {year} case"
    )
    return case.portfolio, calibrate(outcomes_known(history.events, knowledge)), (view, *case.notes)


def _default_as_of(realized: dict[int, Decimal], target_year: int, ctx: Context) -> int:
    """The latest realized year before the target year and not after the current one: an
    entry dated in the future (stored before such dates were refused), or a year realized
    after the target, does not turn every reader's default forecast into a refusal."""
    now = ctx.clock().year
    known = [y for y in realized if y <= now] or list(realized)
    return max([y for y in known if y < target_year] or known)


def _check_horizon(year: int, target_year: int, *, chosen: bool) -> None:
    """The target year is after the realized year `year` and within the horizon: a rule on
    the request if the caller chose `year` (as_of), else the store's latest realized year
    conflicts with it."""
    refusal = InvalidInput if chosen else Conflict
    if target_year <= year:
        raise refusal(
            f"target year {target_year} is before the first forecast year {year + 1}",
            field="target_year", fix=f"give a target year from {year + 1}",
        )  # fmt: skip
    if target_year - year > MAX_HORIZON_YEARS:
        raise refusal(
            f"a forecast from {year} to {target_year} spans more than {MAX_HORIZON_YEARS} years",
            field="target_year", fix=f"give a target year up to {year + MAX_HORIZON_YEARS}",
        )  # fmt: skip


def run_forecast(
    ctx: Context,
    *,
    target_year: int = 2018,
    as_of: int | None = None,
    trials: int = 100_000,
    seed: int = 2016,
    rho: float = 0.3,
    known_then: bool = False,
) -> ForecastOutcome:
    """Monte Carlo forecast from the end of year `as_of` to `target_year`; the same seed gives
    the same figures.

    The same question on the same data has the same answer for every reader (the forecast
    reads no confidential figure), so it is computed once per store version and kept without
    its per-trial totals: a page view must not run 100,000 trials.
    """

    def run(_version: int = 0) -> ForecastOutcome:
        # Imported here: the terms are chosen on the backtest, whose use case imports this one.
        from synergies.services.forecast_terms import live_terms

        inputs = forecast_inputs(
            ctx,
            target_year=target_year,
            as_of=as_of,
            trials=trials,
            seed=seed,
            rho=rho,
            known_then=known_then,
        )
        year = inputs.portfolio.baseline.year
        terms, _ = live_terms(ctx, year, seed, rho, inputs.uncertainty)
        return ForecastOutcome(inputs, forecast(inputs.portfolio, inputs.settings, terms))

    ctx.allow(Action.read)
    if ctx.in_transaction:  # uncommitted data: compute afresh, cache nothing
        return run()
    default_from = ctx.clock().year if as_of is None else None  # `_default_as_of` reads it
    key = ("forecast", target_year, as_of, trials, seed, rho, default_from, known_then)
    return ctx.store.cache.get(key, lambda version: _kept(run(version)), ACCOUNT_ACTIONS)


def _kept(outcome: ForecastOutcome) -> ForecastOutcome:
    """What the cache keeps: everything but the trials' totals (800 kB per 100,000 trials)."""
    result = outcome.result
    return ForecastOutcome(outcome.inputs, replace(result, totals=result.totals[:0]))


def payback(
    ctx: Context, initiative: str | None = None, until: Month = PAYBACK_UNTIL
) -> PaybackOutcome:
    """One-off costs against cumulative savings on the plan, to the end of `until`."""
    items = plan_items(ctx, initiative)
    _check_started(items, until)
    return PaybackOutcome(
        until,
        tuple(initiative_payback(item, until) for item in items),
        alliance_payback(items, until),
    )


def _check_started(items: tuple[ForecastInitiative, ...], until: Month) -> None:
    """Every initiative paid back has a planned month (cost or saving) by `until`: what the
    plan holds, not the request, decides it."""
    first, item = max((min(i.start, i.cost_month), i.id) for i in items)
    if until < first:
        raise NotFound(
            f"horizon end {until} is before the first month {first} of {item}",
            field="until", fix=f"give a month from {first}",
        )  # fmt: skip


def plan_items(ctx: Context, initiative_id: str | None = None) -> tuple[ForecastInitiative, ...]:
    """Every initiative with figures, on its whole plan (locked plan if any, else forecast)."""
    ctx.allow(Action.read)
    fx = structure.fx_table(ctx)
    chosen = (
        [initiatives.get(ctx, initiative_id.strip().upper())]
        if initiative_id
        else initiatives.list_initiatives(ctx)
    )
    items = []
    for i in chosen:
        figures = i.locked_plan or i.forecast
        if figures is not None and i.side_status is not SideStatus.cancelled:
            items.append(as_engine_input(i, figures, fx))
    if not items:
        raise NotFound(
            "no initiative with figures", field="initiative",
            fix="give the initiative a business case (run-rate, one-off costs, start) first",
        )  # fmt: skip
    return tuple(items)
