"""Rows <-> Initiative, with optimistic concurrency on the version column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, NotFound
from synergies.domain.initiatives import (
    Approval,
    Category,
    Initiative,
    PlanFigures,
    SideStatus,
    SignOff,
    Stage,
)
from synergies.domain.money import Money
from synergies.storage import tables as t


def _figures(r: Any, prefix: str) -> PlanFigures | None:
    if r[f"{prefix}run_rate"] is None:
        return None
    currency = r[f"{prefix}currency"]
    return PlanFigures(
        Money(r[f"{prefix}run_rate"], currency),
        Money(r[f"{prefix}one_off_costs"], currency),
        Month.parse(r[f"{prefix}start"]),
        r[f"{prefix}ramp_months"],
    )


def _allocation(r: Any) -> AllocationRule:
    pairs = tuple(
        (p, Decimal(w))
        for p, _, w in (chunk.partition("=") for chunk in r["allocation"].split(","))
    )
    return AllocationRule(AllocationMethod(r["allocation_method"]), pairs)


def _initiative(r: Any, signs: list[SignOff]) -> Initiative:
    approval = Approval(r["approval_body"], r["approval_on"]) if r["approval_body"] else None
    return Initiative(
        id=r["id"], name=r["name"], function=r["function"], owner=r["owner"],
        category=Category(r["category"]), allocation=_allocation(r), stage=Stage(r["stage"]),
        side_status=SideStatus(r["side_status"]) if r["side_status"] else None,
        forecast=_figures(r, ""), locked_plan=_figures(r, "plan_"), approval=approval,
        signoffs=tuple(signs), agreement=r["agreement"], illustrative=r["illustrative"],
        version=r["version"], probability=r["probability"],
    )  # fmt: skip


def _signoffs(conn: Connection, ids: list[str] | None = None) -> dict[str, list[SignOff]]:
    query = select(t.signoffs).order_by(t.signoffs.c.partner)
    if ids is not None:
        query = query.where(t.signoffs.c.initiative.in_(ids))
    found: dict[str, list[SignOff]] = {}
    for r in conn.execute(query).mappings():
        found.setdefault(r["initiative"], []).append(
            SignOff(r["partner"], r["controller"], r["on"])
        )
    return found


def load_initiatives(conn: Connection) -> list[Initiative]:
    signs = _signoffs(conn)
    rows = conn.execute(select(t.initiatives).order_by(t.initiatives.c.id)).mappings()
    return [_initiative(r, signs.get(r["id"], [])) for r in rows]


def load_initiative(conn: Connection, initiative_id: str) -> Initiative:
    row = (
        conn.execute(select(t.initiatives).where(t.initiatives.c.id == initiative_id))
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise NotFound(
            f"unknown initiative {initiative_id!r}",
            field="initiative",
            fix="list the initiatives to find its id",
        )
    return _initiative(row, _signoffs(conn, [initiative_id]).get(initiative_id, []))


def _values(i: Initiative) -> dict[str, object]:
    values: dict[str, object] = {
        "id": i.id, "name": i.name, "function": i.function, "owner": i.owner,
        "category": i.category.value, "stage": i.stage.value,
        "side_status": i.side_status.value if i.side_status else None,
        "allocation_method": i.allocation.method.value,
        "allocation": ",".join(f"{p}={w}" for p, w in i.allocation.weights),
        "approval_body": i.approval.body if i.approval else None,
        "approval_on": i.approval.on if i.approval else None,
        "agreement": i.agreement, "illustrative": i.illustrative, "version": i.version,
        "probability": i.probability,
    }  # fmt: skip
    for prefix, figures in (("", i.forecast), ("plan_", i.locked_plan)):
        values[f"{prefix}currency"] = figures.run_rate.currency if figures else None
        values[f"{prefix}run_rate"] = figures.run_rate.amount if figures else None
        values[f"{prefix}one_off_costs"] = figures.one_off_costs.amount if figures else None
        values[f"{prefix}start"] = str(figures.start) if figures else None
        values[f"{prefix}ramp_months"] = figures.ramp_months if figures else None
    return values


def insert_initiative(conn: Connection, i: Initiative) -> None:
    if conn.execute(select(t.initiatives.c.id).where(t.initiatives.c.id == i.id)).first():
        raise Conflict(f"initiative {i.id} already exists", field="id", fix="choose another id")
    conn.execute(insert(t.initiatives).values(**_values(i)))
    for s in i.signoffs:
        insert_signoff(conn, i.id, s)


def insert_initiatives(conn: Connection, made: list[Initiative]) -> None:
    """Insert new initiatives (no sign-offs) in one batch; refused if any id is taken."""
    if not made:
        return
    ids = [i.id for i in made]
    taken = conn.execute(select(t.initiatives.c.id).where(t.initiatives.c.id.in_(ids))).first()
    if taken is not None:
        raise Conflict(f"initiative {taken.id} already exists", field="id", fix="choose another id")
    conn.execute(insert(t.initiatives), [_values(i) for i in made])


def update_initiatives(conn: Connection, changed: list[Initiative]) -> None:
    """Write each over its version - 1 in one batch, inside the write lock that made them."""
    if not changed:
        return
    c = t.initiatives.c
    query = (
        update(t.initiatives)
        .where(c.id == bindparam("b_id"), c.version == bindparam("b_version"))
        .values({name: bindparam(f"v_{name}") for name in _values(changed[0]) if name != "id"})
    )
    rows = []
    for i in changed:
        values = {f"v_{name}": v for name, v in _values(i).items() if name != "id"}
        rows.append({"b_id": i.id, "b_version": i.version - 1, **values})
    conn.execute(query, rows)


def record_stage_changes(
    conn: Connection, changes: list[tuple[str, str | None, str]], actor: str, at: datetime
) -> None:
    """(initiative, from, to) for many initiatives in one batch."""
    if changes:
        conn.execute(insert(t.stage_history), [
            {"initiative": i, "from_stage": before, "to_stage": after, "at": at, "actor": actor}
            for i, before, after in changes
        ])  # fmt: skip


def update_initiative(conn: Connection, i: Initiative) -> None:
    """Write `i` over version `i.version - 1`; a stale write changes nothing and says so."""
    done = conn.execute(
        update(t.initiatives)
        .where(t.initiatives.c.id == i.id, t.initiatives.c.version == i.version - 1)
        .values(**_values(i))
    )
    if done.rowcount != 1:
        raise Conflict(
            f"initiative {i.id} was changed by someone else",
            field="version",
            fix="reload it and apply your change again",
        )


def insert_signoff(conn: Connection, initiative_id: str, s: SignOff) -> None:
    conn.execute(
        insert(t.signoffs).values(
            initiative=initiative_id, partner=s.partner, controller=s.controller, on=s.on
        )
    )


def delete_signoffs(conn: Connection, initiative_id: str) -> None:
    """Drop an initiative's sign-offs: they lapse when the figures they signed change."""
    conn.execute(delete(t.signoffs).where(t.signoffs.c.initiative == initiative_id))


def entered_at(conn: Connection, initiative_id: str, stage: str) -> datetime | None:
    """When the initiative last entered `stage`, if it ever did."""
    query = select(func.max(t.stage_history.c.at)).where(
        t.stage_history.c.initiative == initiative_id, t.stage_history.c.to_stage == stage
    )
    found: datetime | None = conn.execute(query).scalar_one()
    return found


def record_stage_change(
    conn: Connection, initiative_id: str, before: str | None, after: str, actor: str, at: datetime
) -> None:
    conn.execute(
        insert(t.stage_history).values(
            initiative=initiative_id, from_stage=before, to_stage=after, at=at, actor=actor
        )
    )


def stage_history(conn: Connection) -> list[dict[str, Any]]:
    query = select(t.stage_history).order_by(t.stage_history.c.at, t.stage_history.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]
