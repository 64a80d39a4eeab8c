"""One initiative in full, for its page: where it stands at the gates, its stage history,
ledger entries, measured lineage, forecast contribution and audit history.

Each part is read with the reader's own rights: anyone signed in reads the initiative, its
history and its ledger; the before/after of its audit records stays with those who may read
the audit trail (they can hold a partner's confidential cost base).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from synergies.domain.errors import InvalidInput, NotFound, PermissionDenied
from synergies.domain.gates import unmet as gate_unmet
from synergies.domain.initiatives import Initiative, Stage
from synergies.domain.ledger import EntryFilter, LedgerEntry
from synergies.domain.money import Money
from synergies.forecasting import CalibratedProbability, ForecastInitiative, Payback
from synergies.forecasting.tornado import Driver
from synergies.reports.synergy_report import Breakdown, Reconciled
from synergies.schemas.initiatives import InitiativeStatusOut
from synergies.services import (
    audit_trail,
    forecasts,
    initiative_status,
    initiatives,
    ledger,
    measurement,
    reports,
)
from synergies.services.context import Context
from synergies.services.forecasts import ForecastOutcome
from synergies.services.initiatives import acting_partner
from synergies.services.security import Action, Actor, authorize
from synergies.storage import audit_rows, initiative_rows
from synergies.storage.audit_rows import AuditRecord
from synergies.storage.measurement_rows import MeasurementRun

__all__ = [
    "AuditLine",
    "Contribution",
    "Detail",
    "FieldChange",
    "MeasuredRun",
    "StageChange",
    "acting_partner",
    "audit_history",
    "detail",
    "forecast_contribution",
    "unmet",
]

# The forecast the page sets an initiative against: the API's default GET /forecast.
TARGET_YEAR = 2018
TRIALS = 100_000
SEED = 2016
RHO = 0.3


@dataclass(frozen=True, slots=True)
class StageChange:
    """One move in the stage history (a side status is recorded as a move too)."""

    from_stage: str | None  # None: where the initiative was created (or loaded)
    to_stage: str
    at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class Detail:
    initiative: Initiative
    next_stage: Stage | None  # None: realized, no gate left
    unmet: tuple[str, ...]  # what the next gate still needs; empty: it may be passed
    history: tuple[StageChange, ...]
    entries: tuple[LedgerEntry, ...]
    runs: tuple[MeasuredRun, ...]
    status: InitiativeStatusOut  # today's, as the register and the alerts say it
    reconciled: tuple[YearReconciled, ...] = ()  # years with measured evidence for it


@dataclass(frozen=True, slots=True)
class YearReconciled:
    """One year of the initiative under the counting rule, in EUR, as the report says it:
    what counts, and the measured figure against what was declared for the same cells."""

    year: int
    realized: Money
    reconciled: Reconciled


@dataclass(frozen=True, slots=True)
class MeasuredRun:
    """A measurement run that posted to the initiative, and its public figures for it."""

    run: MeasurementRun
    figures: dict[str, Any]  # its row of the run's public summary (no confidential figure)


def detail(ctx: Context, initiative_id: str) -> Detail:
    """The initiative, the gate ahead of it, its stage history, ledger and measured runs."""
    found = initiatives.get(ctx, initiative_id)
    following = _next(found.stage)
    return Detail(
        found, following, tuple(gate_unmet(found, following)) if following else (),
        _history(ctx, found.id), tuple(ledger.entries(ctx, EntryFilter(initiative=found.id))),
        _measured(ctx, found.id), initiative_status.statuses(ctx).shown(found.id),
        _reconciled(ctx, found.id),
    )  # fmt: skip


def _reconciled(ctx: Context, initiative_id: str) -> tuple[YearReconciled, ...]:
    """The initiative's years that a measurement stands for, at least in part: the report's
    own by-initiative line of each (one counting rule for every page)."""
    years = []
    for year in ledger.years(ctx):
        try:
            report = reports.synergy_report(ctx, year=year, by=Breakdown.initiative)
        except NotFound:  # entries that year, but nothing realized (one-off costs only)
            continue
        line = next((b for b in report.breakdown if b.key == initiative_id), None)
        touched = line is not None and (
            line.reconciled.measured.amount or line.reconciled.declared_confirmed.amount
        )
        if line is not None and touched:
            years.append(YearReconciled(year, line.realized, line.reconciled))
    return tuple(years)


def unmet(ctx: Context, initiative_id: str, target: Stage) -> list[str]:
    """Everything that stops the initiative from entering `target` now (empty: nothing)."""
    return gate_unmet(initiatives.get(ctx, initiative_id), target)


def _next(stage: Stage) -> Stage | None:
    return None if stage is Stage.L5 else Stage(f"L{stage.rank + 1}")


def _history(ctx: Context, initiative_id: str) -> tuple[StageChange, ...]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        rows = initiative_rows.stage_history(conn)
    return tuple(
        StageChange(r["from_stage"], r["to_stage"], r["at"], r["actor"])
        for r in rows
        if r["initiative"] == initiative_id
    )


def _measured(ctx: Context, initiative_id: str) -> tuple[MeasuredRun, ...]:
    """Runs whose public summary has a row for the initiative: those that measured it."""
    found = []
    for run in measurement.runs(ctx):
        rows = run.summary.get("by_initiative", [])
        row = next((r for r in rows if r.get("initiative_id") == initiative_id), None)
        if row is not None:
            found.append(MeasuredRun(run, row))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Contribution:
    """What the forecast says about one initiative.

    The forecast counts only what an initiative adds beyond the realized year `as_of`:
    `counted` is that part (None: left out, `excluded` says why). Its share of the target
    year's uncertainty is `driver` (the tornado's bar for it), ranked among `drivers`."""

    as_of: int
    target_year: int
    realized_years: tuple[int, ...]  # the years a forecast may start from
    counted: ForecastInitiative | None
    excluded: str | None
    own_probability: Decimal | None  # the initiative's own odds; None: its stage's
    stage_probability: CalibratedProbability | None
    driver: Driver | None
    rank: int | None
    drivers: int
    target_year_std: float
    payback: Payback | None


def forecast_contribution(
    ctx: Context, initiative_id: str, as_of: int | None = None
) -> Contribution:
    """The initiative in the alliance's forecast from the end of `as_of` (default: the
    latest realized year) to the target year, and its payback on its plan."""
    found = initiatives.get(ctx, initiative_id)
    outcome = _forecast(ctx, as_of)
    inputs, tornado = outcome.inputs, outcome.result.tornado
    counted = next((m for m in inputs.portfolio.initiatives if m.id == found.id), None)
    excluded = next((e.reason for e in inputs.excluded if e.initiative == found.id), None)
    ranked = [d.name for d in tornado.initiatives]
    driver = next((d for d in tornado.initiatives if d.name == found.id), None)
    stage = next((c for c in inputs.calibration if c.stage == found.stage.value), None)
    return Contribution(
        as_of=inputs.portfolio.baseline.year, target_year=outcome.result.target_year.year,
        realized_years=_realized_years(ctx), counted=counted, excluded=excluded,
        own_probability=found.probability, stage_probability=stage, driver=driver,
        rank=ranked.index(found.id) + 1 if driver else None, drivers=len(ranked),
        target_year_std=tornado.std, payback=_payback(ctx, found),
    )  # fmt: skip


def _forecast(ctx: Context, as_of: int | None) -> ForecastOutcome:
    """The default forecast, the one every reader shares (the service caches it)."""
    return forecasts.run_forecast(
        ctx, target_year=TARGET_YEAR, as_of=as_of, trials=TRIALS, seed=SEED, rho=RHO
    )


def _realized_years(ctx: Context) -> tuple[int, ...]:
    report = reports.synergy_report(ctx)
    return tuple(y.year for y in report.years if y.realized.amount)


def _payback(ctx: Context, found: Initiative) -> Payback | None:
    if (found.locked_plan or found.forecast) is None:
        return None
    try:
        return forecasts.payback(ctx, found.id).initiatives[0]
    except (InvalidInput, NotFound):  # cancelled, or planned past the horizon
        return None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field a change touched, its values as canonical JSON (None: absent)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An audit record of the initiative; `changes` only for readers of the audit trail."""

    seq: int
    at: datetime
    actor: str
    action: str
    detailed: bool
    changes: tuple[FieldChange, ...]


def audit_history(ctx: Context, initiative_id: str) -> tuple[AuditLine, ...]:
    """Who changed the initiative, when and how, newest first. Every reader sees who did
    what; what changed (before/after) only whoever may read the audit trail."""
    subject = f"initiative/{initiatives.get(ctx, initiative_id).id}"
    if _may(ctx.actor, Action.read_audit):
        found = audit_trail.records(ctx, subject)
        return tuple(_line(r, detailed=True) for r in reversed(found) if r.subject == subject)
    with ctx.reading() as conn:
        found = audit_rows.records(conn, subject)
    return tuple(_line(r, detailed=False) for r in reversed(found) if r.subject == subject)


def _may(actor: Actor, action: Action) -> bool:
    try:
        authorize(actor, action)
    except PermissionDenied:
        return False
    return True


def _line(r: AuditRecord, *, detailed: bool) -> AuditLine:
    changes = _changes(r.before, r.after) if detailed else ()
    return AuditLine(r.seq, r.at, r.actor, r.action, detailed, changes)


def _changes(before: str | None, after: str | None) -> tuple[FieldChange, ...]:
    """The top-level fields whose value differs between two snapshots."""
    old, new = _fields(before), _fields(after)
    return tuple(
        FieldChange(name, _text(old, name), _text(new, name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name, _ABSENT) != new.get(name, _ABSENT)
    )


_ABSENT = object()


def _fields(snapshot: str | None) -> dict[str, Any]:
    if snapshot is None:
        return {}
    value = json.loads(snapshot)
    return value if isinstance(value, dict) else {"value": value}


def _text(values: dict[str, Any], name: str) -> str | None:
    if name not in values:
        return None
    return json.dumps(values[name], sort_keys=True, ensure_ascii=False)
