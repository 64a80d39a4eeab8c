"""Rows <-> locked plans. A plan's items are kept as one JSON document: they never change."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from synergies.domain.plans import LockedPlan, PlannedInitiative
from synergies.storage import tables as t


def _item_json(p: PlannedInitiative) -> dict[str, object]:
    return {"id": p.id, "name": p.name, "function": p.function, "stage": p.stage,
            "run_rate_eur": str(p.run_rate_eur), "one_off_costs_eur": str(p.one_off_costs_eur),
            "start": p.start, "ramp_months": p.ramp_months}  # fmt: skip


def _item(d: dict[str, Any]) -> PlannedInitiative:
    return PlannedInitiative(
        str(d["id"]), str(d["name"]), str(d["function"]), str(d["stage"]),
        Decimal(str(d["run_rate_eur"])), Decimal(str(d["one_off_costs_eur"])), str(d["start"]),
        int(d["ramp_months"]),
    )  # fmt: skip


def _plan(row: Any) -> LockedPlan:
    items = tuple(_item(d) for d in json.loads(row.content))
    return LockedPlan(row.name, row.locked_at, row.locked_by, items)


def exists(conn: Connection, name: str) -> bool:
    return conn.execute(select(t.plans.c.name).where(t.plans.c.name == name)).first() is not None


def insert_plan(conn: Connection, plan: LockedPlan) -> None:
    conn.execute(insert(t.plans).values(
        name=plan.name, locked_at=plan.locked_at, locked_by=plan.locked_by,
        content=json.dumps([_item_json(p) for p in plan.items]),
    ))  # fmt: skip


def load_plan(conn: Connection, name: str) -> LockedPlan | None:
    row = conn.execute(select(t.plans).where(t.plans.c.name == name)).first()
    return _plan(row) if row is not None else None


def load_plans(conn: Connection) -> list[LockedPlan]:
    """Every locked plan, oldest first."""
    rows = conn.execute(select(t.plans).order_by(t.plans.c.locked_at, t.plans.c.name))
    return [_plan(row) for row in rows]


def plan_names(conn: Connection) -> list[str]:
    """Names of the locked plans, oldest first."""
    query = select(t.plans.c.name).order_by(t.plans.c.locked_at, t.plans.c.name)
    return [name for (name,) in conn.execute(query)]
