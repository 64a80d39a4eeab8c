"""Locked plans: a named, frozen copy of every approved (L3+) initiative's figures, and the
comparison of the working forecast and the realized ledger against it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from synergies.domain.counting import counted
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.fx import FxTable
from synergies.domain.initiatives import Initiative, PlanFigures, SideStatus
from synergies.domain.ledger import EntryFilter
from synergies.domain.plans import LockedPlan, PlannedInitiative
from synergies.services import initiatives, ledger, structure
from synergies.services.context import Context
from synergies.services.engine_inputs import to_eur
from synergies.services.security import Action
from synergies.storage import plan_rows


def _planned(i: Initiative, f: PlanFigures, fx: FxTable) -> PlannedInitiative:
    return PlannedInitiative(
        i.id, i.name, i.function, i.stage.value, to_eur(fx, f.run_rate, f.start),
        to_eur(fx, f.one_off_costs, f.start), str(f.start), f.ramp_months,
    )  # fmt: skip


def _approved(ctx: Context) -> tuple[PlannedInitiative, ...]:
    fx = structure.fx_table(ctx)
    return tuple(
        _planned(i, i.forecast, fx)
        for i in initiatives.list_initiatives(ctx)
        if i.stage.rank >= 3 and i.forecast and i.side_status is not SideStatus.cancelled
    )


def lock(ctx: Context, name: str) -> LockedPlan:
    """Freeze the current plan under `name`; a name is used once and never changes.

    The name check and the copy of the figures run in the write transaction, after the
    store's write lock: the plan holds exactly the figures committed before it, and a second
    lock under the same name is refused, however the calls interleave.
    """
    ctx.allow(Action.manage_initiatives)
    chosen = name.strip()
    if not chosen:
        raise InvalidInput("a plan needs a name", field="name", fix="e.g. 'budget 2016'")
    with ctx.transaction() as conn:
        if plan_rows.exists(conn, chosen):
            raise Conflict(
                f"a plan named {chosen!r} is already locked",
                field="name",
                fix="a locked plan never changes: lock the new one under another name",
            )
        items = _approved(ctx)
        if not items:
            raise Conflict(
                "no approved (L3+) initiative to lock", field="name",
                fix="approve an initiative with figures (L3) first",
            )  # fmt: skip
        plan = LockedPlan(chosen, ctx.clock(), ctx.actor.name, items)
        plan_rows.insert_plan(conn, plan)
        ctx.audit(conn, "plan.lock", f"plan/{plan.name}", after={"initiatives": len(items)})
    return plan


def get(ctx: Context, name: str) -> LockedPlan:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        found = plan_rows.load_plan(conn, name)
        if found is not None:
            return found
        known = sorted(plan_rows.plan_names(conn))
    raise NotFound(f"no locked plan {name!r}", field="name",
                   fix=f"locked plans: {', '.join(known) or 'none yet'}")  # fmt: skip


def names(ctx: Context) -> list[str]:
    """The locked plans' names, oldest first."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return plan_rows.plan_names(conn)


def list_plans(ctx: Context) -> list[LockedPlan]:
    """The locked plans, oldest first."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return plan_rows.load_plans(conn)


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


@dataclass(frozen=True, slots=True)
class PlanComparison:
    plan: str
    year: int
    initiatives: tuple[Comparison, ...]
    functions: tuple[Comparison, ...]


def compare(ctx: Context, name: str, year: int | None = None) -> PlanComparison:
    """Per initiative and per function: plan run-rate, working forecast, realized in `year`
    (default: this year by the context's clock)."""
    plan = get(ctx, name)
    chosen = year if year is not None else ctx.clock().year
    fx = structure.fx_table(ctx)
    current = {i.id: i for i in initiatives.list_initiatives(ctx)}
    rows = tuple(
        Comparison(p.id, p.function, p.run_rate_eur, _working(current.get(p.id), fx),
                   _realized(ctx, fx, p.id, chosen), p.stage, _status(current.get(p.id)))
        for p in plan.items
    )  # fmt: skip
    return PlanComparison(plan.name, chosen, rows, _by_function(rows))


def _working(now: Initiative | None, fx: FxTable) -> Decimal:
    if now is None or now.forecast is None or now.side_status is SideStatus.cancelled:
        return Decimal(0)
    return to_eur(fx, now.forecast.run_rate, now.forecast.start)


def _realized(ctx: Context, fx: FxTable, initiative_id: str, year: int) -> Decimal:
    """Synergies booked in `year`, each at its own month's rate (measured, not planned)."""
    entries = counted(ledger.entries(ctx, EntryFilter(initiative=initiative_id)))
    return sum(
        (fx.convert_realized(e.amount, "EUR", e.period).result.rounded().amount
         for e in entries if e.period.year == year and e.is_synergy),
        Decimal(0),
    )  # fmt: skip


def _status(now: Initiative | None) -> str:
    if now is None:
        return "gone"
    return now.stage.value + (f" ({now.side_status.value})" if now.side_status else "")


def _by_function(rows: tuple[Comparison, ...]) -> tuple[Comparison, ...]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for r in rows:
        acc = sums[r.function]
        acc[0] += r.plan_run_rate
        acc[1] += r.forecast_run_rate
        acc[2] += r.realized
    return tuple(Comparison(f, f, a[0], a[1], a[2], "", "") for f, a in sorted(sums.items()))
