"""Locked plans: a named, frozen copy of every approved (L3+) initiative's figures, and the
comparison of the working forecast and the realized ledger against it."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select

from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.fx import FxTable
from synergies.domain.initiatives import Initiative, PlanFigures, SideStatus
from synergies.services import initiatives, ledger, structure
from synergies.services.context import Context
from synergies.services.forecasts import to_eur
from synergies.services.ledger import EntryFilter
from synergies.services.security import Action
from synergies.storage import tables as t


@dataclass(frozen=True, slots=True)
class PlannedInitiative:
    id: str
    name: str
    function: str
    stage: str
    run_rate_eur: Decimal
    one_off_costs_eur: Decimal
    start: str
    ramp_months: int


@dataclass(frozen=True, slots=True)
class LockedPlan:
    name: str
    locked_at: datetime
    locked_by: str
    items: tuple[PlannedInitiative, ...]


def _item_json(p: PlannedInitiative) -> dict[str, object]:
    return {"id": p.id, "name": p.name, "function": p.function, "stage": p.stage,
            "run_rate_eur": str(p.run_rate_eur), "one_off_costs_eur": str(p.one_off_costs_eur),
            "start": p.start, "ramp_months": p.ramp_months}  # fmt: skip


def _item(d: dict[str, object]) -> PlannedInitiative:
    return PlannedInitiative(
        str(d["id"]), str(d["name"]), str(d["function"]), str(d["stage"]),
        Decimal(str(d["run_rate_eur"])), Decimal(str(d["one_off_costs_eur"])), str(d["start"]),
        int(str(d["ramp_months"])),
    )  # fmt: skip


def _planned(i: Initiative, f: PlanFigures, fx: FxTable) -> PlannedInitiative:
    return PlannedInitiative(
        i.id, i.name, i.function, i.stage.value, to_eur(fx, f.run_rate, f.start),
        to_eur(fx, f.one_off_costs, f.start), str(f.start), f.ramp_months,
    )  # fmt: skip


def lock(ctx: Context, name: str) -> LockedPlan:
    """Freeze the current plan under `name`; a name is used once and never changes."""
    ctx.allow(Action.manage_initiatives)
    if not name.strip():
        raise InvalidInput("a plan needs a name", field="NAME", fix="e.g. 'budget 2016'")
    fx = structure.fx_table(ctx)
    items = tuple(
        _planned(i, i.forecast, fx)
        for i in initiatives.list_initiatives(ctx)
        if i.stage.rank >= 3 and i.forecast and i.side_status is not SideStatus.cancelled
    )
    if not items:
        raise InvalidInput("no approved (L3+) initiative to lock", field="NAME")
    plan = LockedPlan(name.strip(), ctx.clock(), ctx.actor.name, items)
    with ctx.transaction() as conn:
        if conn.execute(select(t.plans.c.name).where(t.plans.c.name == plan.name)).first():
            raise Conflict(
                f"a plan named {plan.name!r} is already locked",
                field="NAME",
                fix="a locked plan never changes: lock the new one under another name",
            )
        conn.execute(insert(t.plans).values(
            name=plan.name, locked_at=plan.locked_at, locked_by=plan.locked_by,
            content=json.dumps([_item_json(p) for p in items]),
        ))  # fmt: skip
        ctx.audit(conn, "plan.lock", f"plan/{plan.name}", after={"initiatives": len(items)})
    return plan


def get(ctx: Context, name: str) -> LockedPlan:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        row = conn.execute(select(t.plans).where(t.plans.c.name == name)).first()
        names = [n for (n,) in conn.execute(select(t.plans.c.name).order_by(t.plans.c.name))]
    if row is None:
        raise NotFound(f"no locked plan {name!r}", field="NAME",
                       fix=f"locked plans: {', '.join(names) or 'none yet'}")  # fmt: skip
    items = tuple(_item(d) for d in json.loads(row.content))
    return LockedPlan(row.name, row.locked_at, row.locked_by, items)


def names(ctx: Context) -> list[str]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return [n for (n,) in conn.execute(select(t.plans.c.name).order_by(t.plans.c.locked_at))]


@dataclass(frozen=True, slots=True)
class Comparison:
    key: str  # initiative id, or function for a subtotal
    function: str
    plan_run_rate: Decimal
    forecast_run_rate: Decimal
    realized: Decimal  # EUR in the year compared
    stage_then: str
    stage_now: str

    @property
    def forecast_vs_plan(self) -> Decimal:
        return self.forecast_run_rate - self.plan_run_rate


def compare(ctx: Context, name: str, year: int) -> tuple[list[Comparison], list[Comparison]]:
    """Per initiative and per function: plan run-rate, working forecast, realized in `year`."""
    plan = get(ctx, name)
    fx = structure.fx_table(ctx)
    current = {i.id: i for i in initiatives.list_initiatives(ctx)}
    rows = []
    for p in plan.items:
        now = current.get(p.id)
        working = (
            to_eur(fx, now.forecast.run_rate, now.forecast.start)
            if now and now.forecast and now.side_status is not SideStatus.cancelled
            else Decimal(0)
        )
        realized = sum(
            (to_eur(fx, e.amount, e.period) for e in ledger.entries(ctx, EntryFilter(initiative=p.id))
             if e.period.year == year and e.is_synergy),
            Decimal(0),
        )  # fmt: skip
        status = (
            (now.stage.value + (f" ({now.side_status.value})" if now.side_status else ""))
            if now
            else "gone"
        )
        rows.append(
            Comparison(p.id, p.function, p.run_rate_eur, working, realized, p.stage, status)
        )
    return rows, _by_function(rows)


def _by_function(rows: list[Comparison]) -> list[Comparison]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for r in rows:
        acc = sums[r.function]
        acc[0] += r.plan_run_rate
        acc[1] += r.forecast_run_rate
        acc[2] += r.realized
    return [Comparison(f, f, a[0], a[1], a[2], "", "") for f, a in sorted(sums.items())]
