"""Alerts: what fires now over the store, each rule with the alliance admin's threshold.

`evaluate` gathers each enabled rule's facts in one read and hands them to the pure rules
(domain/alert_rules.py). An alert drawn from a partner's confidential figures (measurement
detail: leakage, double-claimed lines) is shown only to readers of that partner's data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Connection

from synergies.domain import alert_rules as rules
from synergies.domain.alerts import Alert, Rule, RuleSetting, checked_threshold
from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from synergies.domain.money import Money
from synergies.domain.text import clean_name
from synergies.services import forecasts, initiative_status, reports
from synergies.services.audit_trail import ACCOUNT_ACTIONS
from synergies.services.context import Context
from synergies.services.forecasts import MAX_HORIZON_YEARS
from synergies.services.security import Action
from synergies.storage import alert_rows, alliance_rows, initiative_rows, measurement_rows
from synergies.storage.measurement_rows import MeasurementRun

# The forecast behind the target-odds rule: the forecast's own defaults but fewer trials
# (standard error at most 0.5 points of probability, enough to compare with a threshold).
ODDS_TRIALS = 10_000
# Audit actions after which what fires is unchanged (services/alert_delivery.py's among them).
UNAFFECTING = (*ACCOUNT_ACTIONS, "alert.", "webhook.")


def settings(ctx: Context) -> list[RuleSetting]:
    """Every rule with its threshold and whether it is evaluated, in the rules' order."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        found = alert_rows.load_settings(conn)
    return [found[rule] for rule in Rule]


def set_rule(
    ctx: Context, rule: Rule, threshold: Decimal | None = None, enabled: bool | None = None
) -> RuleSetting:
    """Set a rule's threshold, switch it on or off (what is not given stays): an alliance
    admin's act, audited."""
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        before = alert_rows.load_settings(conn)[rule]
        after = replace(
            before,
            threshold=before.threshold if threshold is None else checked_threshold(rule, threshold),
            enabled=before.enabled if enabled is None else enabled,
        )
        alert_rows.save_setting(conn, after, ctx.clock(), ctx.actor.name)
        ctx.audit(conn, "alerts.rule", f"alert rule/{rule.value}", before, after)
    return after


def record_baseline_decision(
    ctx: Context, source: str, on: date, reference: str
) -> rules.BaselineDecision:
    """Record the governed decision that rebased a source's baselines (named as the
    measurement runs name it), so that the change it made is no longer an alert."""
    ctx.allow(Action.manage_structure)
    decision = rules.BaselineDecision(
        clean_name(source, field="source"), on, clean_name(reference, field="reference")
    )
    today = ctx.clock().date()
    if on > today:
        raise InvalidInput(f"the decision is dated {on.isoformat()}, in the future", field="on",
                           fix=f"date it {today.isoformat()} or earlier")  # fmt: skip
    with ctx.transaction() as conn:
        known = {r.source for r in measurement_rows.load_runs(conn)}
        if decision.source not in known:
            raise NotFound(
                f"no measurement run of a source {decision.source!r}", field="source",
                fix="name the source as `synergies measurements` lists it",
            )  # fmt: skip
        alert_rows.insert_decision(conn, decision, ctx.clock(), ctx.actor.name)
        ctx.audit(conn, "alerts.baseline_decision", f"source/{decision.source}", after=decision)
    return decision


def evaluate(ctx: Context, *, today: date | None = None) -> list[Alert]:
    """Every alert that fires on `today` (default: the context's day) that the actor may read.

    What fires is the same for every reader until the store changes: it is computed once per
    store version and day, kept whole, and each reader is given the alerts they may read.
    Deliveries, subscriptions, webhooks and sign-ins change nothing that a rule reads."""
    ctx.allow(Action.read)
    day = today or ctx.clock().date()
    if ctx.in_transaction:  # uncommitted data: compute afresh, cache nothing
        found = _fire(ctx, day)
    else:
        found = ctx.store.cache.get(("alerts", day), lambda _: _fire(ctx, day), UNAFFECTING)
    readable = _readable(ctx, {a.confidential_to for a in found if a.confidential_to})
    return [a for a in found if a.confidential_to is None or a.confidential_to in readable]


def _fire(ctx: Context, day: date) -> list[Alert]:
    with ctx.reading() as conn:
        found_settings = alert_rows.load_settings(conn)
        chosen = [s for s in found_settings.values() if s.enabled]
        facts = _Facts(conn, day, found_settings)
        found = [alert for s in chosen for alert in EVALUATORS[s.rule](facts, s)]
    odds = next((s for s in chosen if s.rule is Rule.target_odds), None)
    if odds is not None:  # the forecast runs on the service context, after the read
        found += rules.target_odds(_odds(ctx, day), odds)
    return found


def _readable(ctx: Context, partners: set[str]) -> set[str]:
    allowed = set()
    for partner in partners:
        try:
            ctx.allow(Action.read_confidential, partner=partner)
        except PermissionDenied:
            continue
        allowed.add(partner)
    return allowed


class _Facts:
    """What the rules read, in one read of the store; measurement detail only when asked."""

    def __init__(self, conn: Connection, today: date, settings: dict[Rule, RuleSetting]) -> None:
        self.conn, self.today, self.settings = conn, today, settings
        self.initiatives = initiative_rows.load_initiatives(conn)
        self.functions = {i.id: i.function for i in self.initiatives}
        self.fx = alliance_rows.load_fx(conn)
        self.runs = _with_previous(measurement_rows.load_runs(conn))

    @cached_property
    def statuses(self) -> initiative_status.StatusBoard:
        return initiative_status.board(
            self.conn, self.today, self.initiatives, self.fx, self.settings
        )

    @cached_property
    def details(self) -> list[tuple[MeasurementRun, str, dict[str, Any]]]:
        """Each partner's detail of each source's latest measurement."""
        partners = sorted(alliance_rows.load_partners(self.conn))
        newest = {run.source: run for _, run in self.runs}
        found = []
        for run in newest.values():
            for partner in partners:
                detail = measurement_rows.load_detail(self.conn, run.id, partner)
                if detail is not None:
                    found.append((run, partner, detail))
        return found

    def eur(self, amount: Decimal, currency: str, month: Month) -> Decimal | None:
        if currency == "EUR":
            return amount
        try:
            return self.fx.convert_realized(Money(amount, currency), "EUR", month).result.amount
        except NotFound:  # no FX rate for that month
            return None


def _with_previous(
    runs: list[MeasurementRun],
) -> list[tuple[MeasurementRun | None, MeasurementRun]]:
    last: dict[str, MeasurementRun] = {}
    paired = []
    for run in runs:
        paired.append((last.get(run.source), run))
        last[run.source] = run
    return paired


# --- behind ramp: from the initiatives' status, the one every surface reads -------------


def _ramp(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    board = facts.statuses
    if board.through is None:
        return []
    standings = [
        rules.RampStanding(
            s.initiative_id,
            s.function,
            s.planned_to_date,
            s.realized.to_date,
            board.through,
            board.not_attributed_in(s.function).to_date,
        )
        for s in board.initiatives
        if s.behind_ramp is not None
    ]
    return rules.behind_ramp(standings, setting)


# --- measurement detail: leakage and double claims -------------------------------------


def _leakage(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    items = []
    for run, partner, detail in facts.details:
        for row in detail.get("leakage", []):
            month = Month.parse(row["month"])
            amount = facts.eur(Decimal(row["amount"]), run.reporting_currency, month)
            if amount is not None:
                initiative = row["initiative_id"]
                items.append(rules.Leakage(initiative, partner, str(month), int(row["lines"]),
                                           amount, facts.functions.get(initiative)))  # fmt: skip
    return rules.leakage(items, setting)


def _double_claims(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    items = []
    for run, partner, detail in facts.details:
        lines = sum(int(m.get("double_claimed_lines", 0)) for m in detail.get("by_month", []))
        sample = detail.get("double_claimed_lines", [])
        named = sorted({i for line in sample for i in line.get("claimed_by", [])})
        if lines or sample:
            items.append(rules.DoubleClaims(run.source, partner, max(lines, len(sample)),
                                            tuple(named)))  # fmt: skip
    return rules.double_claim(items, setting)


# --- baselines -------------------------------------------------------------------------


def _baseline_files(run: MeasurementRun) -> list[str] | None:
    entry = run.fingerprint.get("tables", {}).get("baselines", {})
    files = entry.get("files")
    return None if files is None else sorted(f["sha256"] for f in files)


def _baselines(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    changes = []
    for previous, run in facts.runs:
        if previous is None:
            continue
        before, after = _baseline_files(previous), _baseline_files(run)
        if before is not None and after is not None and before != after:
            changes.append(rules.BaselineChange(run.source, run.id, run.posted_at.date(),
                                                previous.posted_at.date()))  # fmt: skip
    decisions = alert_rows.load_decisions(facts.conn) if changes else []
    return rules.baseline_unexplained(changes, decisions, setting, facts.today)


# --- ledger: gates, unproven savings, measured vs declared -----------------------------


def _gates(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    return rules.gate_overdue(facts.initiatives, setting, facts.today)


def _unproven(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    start_of_today = datetime.combine(facts.today, time(), tzinfo=UTC)
    cutoff = start_of_today - timedelta(days=int(setting.threshold))
    groups = alert_rows.standing_savings(facts.conn, cutoff)
    signed = {(i.id, s.partner) for i in facts.initiatives for s in i.signoffs}
    return rules.unproven(rules.unproven_savings(groups, signed), setting, facts.today)


def _divergence(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    sums: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for partner, initiative, month, currency, measured, amount in alert_rows.measured_and_declared(
        facts.conn
    ):
        converted = facts.eur(amount, currency, Month.parse(month))
        sums[(partner, initiative, month)][0 if measured else 1] += converted or 0
    by_partner: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    cells: dict[str, int] = defaultdict(int)
    for (partner, _, _), (proven, declared) in sums.items():
        if declared:  # a month only measured has nothing declared to diverge from
            by_partner[partner][0] += proven
            by_partner[partner][1] += declared
            cells[partner] += 1
    items = [rules.PartnerClaims(p, m, d, cells[p]) for p, (m, d) in sorted(by_partner.items())]
    return rules.divergence(items, setting)


# --- target odds -----------------------------------------------------------------------


def _odds(ctx: Context, today: date) -> list[rules.TargetOdds]:
    """The forecast's odds of each alliance-wide target after the latest year realized
    before `today`'s year (the alliance's view that day), within the forecast's horizon;
    none when the store holds no such year or no target after it."""
    realized = [y.year for y in reports.synergy_report(ctx).years
                if y.realized.amount and y.year < today.year]  # fmt: skip
    if not realized:
        return []
    with ctx.reading() as conn:
        ahead = [t.year for t in alliance_rows.load_targets(conn)
                 if t.function is None
                 and max(realized) < t.year <= max(realized) + MAX_HORIZON_YEARS]  # fmt: skip
    if not ahead:
        return []
    try:
        outcome = forecasts.run_forecast(
            ctx, target_year=max(ahead), as_of=max(realized), trials=ODDS_TRIALS
        )
    except (NotFound, Conflict, InvalidInput):
        return []
    return [
        rules.TargetOdds(t.year, t.target, Decimal(str(t.probability)))
        for t in outcome.result.targets
    ]


def _none(facts: _Facts, setting: RuleSetting) -> list[Alert]:
    return []  # evaluated apart: the forecast runs on the service context, not this read


EVALUATORS: dict[Rule, Callable[[_Facts, RuleSetting], list[Alert]]] = {
    Rule.behind_ramp: _ramp,
    Rule.leakage: _leakage,
    Rule.gate_overdue: _gates,
    Rule.unproven: _unproven,
    Rule.baseline_unexplained: _baselines,
    Rule.double_claim: _double_claims,
    Rule.target_odds: _none,
    Rule.divergence: _divergence,
}
