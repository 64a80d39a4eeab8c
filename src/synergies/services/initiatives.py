"""Initiatives: create, change figures, move through stage gates, approve, sign off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.gates import advance as pass_gate
from synergies.domain.initiatives import (
    Approval,
    Initiative,
    PlanFigures,
    SideStatus,
    SignOff,
    Stage,
)
from synergies.domain.partners import find_partner
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import alliance_rows, audit_rows, initiative_rows

# The audit actions that propose an initiative or its figures: their actors may not sign it off.
PROPOSING = ("initiative.create", "initiative.figures")


@dataclass(frozen=True, slots=True)
class InitiativeFilter:
    stage: Stage | None = None
    function: str | None = None
    status: SideStatus | None = None


def list_initiatives(ctx: Context, where: InitiativeFilter | None = None) -> list[Initiative]:
    ctx.allow(Action.read)
    where = where or InitiativeFilter()
    with ctx.reading() as conn:
        found = initiative_rows.load_initiatives(conn)
    return [
        i
        for i in found
        if (where.stage is None or i.stage is where.stage)
        and (where.function is None or i.function == where.function)
        and (where.status is None or i.side_status is where.status)
    ]


def get(ctx: Context, initiative_id: str) -> Initiative:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return initiative_rows.load_initiative(conn, initiative_id)


def _check_refs(conn: Connection, i: Initiative) -> None:
    functions = alliance_rows.load_functions(conn)
    if i.function not in functions:
        known = ", ".join(sorted(functions))
        raise NotFound(
            f"unknown function {i.function!r}", field="function", fix=f"use one of: {known}"
        )
    partners = alliance_rows.load_partners(conn)
    for partner, _ in i.allocation.weights:
        find_partner(partners, partner, field="allocation")


def create(ctx: Context, initiative: Initiative) -> Initiative:
    ctx.allow(Action.manage_initiatives, function=initiative.function)
    with ctx.transaction() as conn:
        _check_refs(conn, initiative)
        initiative_rows.insert_initiative(conn, initiative)
        initiative_rows.record_stage_change(
            conn, initiative.id, None, initiative.stage.value, ctx.actor.name, ctx.clock()
        )
        ctx.audit(conn, "initiative.create", f"initiative/{initiative.id}", after=initiative)
    return initiative


def _change(
    ctx: Context, initiative_id: str, action: str, expected_version: int | None, **changes: object
) -> Initiative:
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        ctx.allow(Action.manage_initiatives, function=before.function)
        _check_version(before, expected_version)
        after = before.with_changes(**changes)
        initiative_rows.update_initiative(conn, after)
        ctx.audit(conn, action, f"initiative/{initiative_id}", before, after)
    return after


def _check_version(current: Initiative, expected: int | None) -> None:
    if expected is not None and expected != current.version:
        raise Conflict(
            f"initiative {current.id} is at version {current.version}, not {expected}",
            field="version",
            fix="reload it and apply your change again",
        )


def update_figures(
    ctx: Context, initiative_id: str, figures: PlanFigures, expected_version: int | None = None
) -> Initiative:
    """Change the working forecast (the business case); a locked plan never changes."""
    if figures.run_rate.amount < 0 or figures.one_off_costs.amount < 0:
        raise InvalidInput("run-rate and one-off costs are positive amounts", field="figures")
    if figures.ramp_months < 0:
        raise InvalidInput(
            "the ramp cannot be negative", field="ramp_months", fix="give 0 or more months"
        )
    return _change(ctx, initiative_id, "initiative.figures", expected_version, forecast=figures)


def advance(
    ctx: Context, initiative_id: str, to: Stage, expected_version: int | None = None
) -> Initiative:
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        ctx.allow(Action.manage_initiatives, function=before.function)
        _check_version(before, expected_version)
        after = pass_gate(before, to)
        initiative_rows.update_initiative(conn, after)
        initiative_rows.record_stage_change(
            conn, initiative_id, before.stage.value, to.value, ctx.actor.name, ctx.clock()
        )
        ctx.audit(conn, "initiative.advance", f"initiative/{initiative_id}", before, after)
    return after


def approve(
    ctx: Context, initiative_id: str, body: str, on: date, expected_version: int | None = None
) -> Initiative:
    if not body.strip():
        raise InvalidInput(
            "say who approved it", field="approved_by", fix="name the body, e.g. 'Alliance Board'"
        )
    return _change(
        ctx, initiative_id, "initiative.approve", expected_version,
        approval=Approval(body.strip(), on),
    )  # fmt: skip


def lock_plan(ctx: Context, initiative_id: str, expected_version: int | None = None) -> Initiative:
    """Freeze the business case as the locked plan; once locked it never changes.

    Read, check and copy in the write transaction: the plan is the business case committed
    before it, never one that a concurrent figures update has just replaced."""
    with ctx.transaction() as conn:
        current = initiative_rows.load_initiative(conn, initiative_id)
        ctx.allow(Action.manage_initiatives, function=current.function)
        if current.locked_plan is not None:
            raise Conflict(f"the plan of {initiative_id} is already locked", field="initiative")
        if current.forecast is None:
            raise InvalidInput(
                f"{initiative_id} has no business case to lock",
                field="initiative",
                fix="set its figures (run-rate, one-off costs, start) first",
            )
        return _change(
            ctx, initiative_id, "initiative.lock_plan", expected_version,
            locked_plan=current.forecast,
        )  # fmt: skip


def set_status(
    ctx: Context, initiative_id: str, status: SideStatus | None,
    expected_version: int | None = None,
) -> Initiative:  # fmt: skip
    with ctx.transaction() as conn:
        result = _change(
            ctx, initiative_id, "initiative.status", expected_version, side_status=status
        )
        initiative_rows.record_stage_change(
            conn, initiative_id, result.stage.value, status.value if status else result.stage.value,
            ctx.actor.name, ctx.clock(),
        )  # fmt: skip
    return result


def set_probability(
    ctx: Context, initiative_id: str, probability: Decimal | None,
    expected_version: int | None = None,
) -> Initiative:  # fmt: skip
    """Override the stage's probability of delivery for one initiative (None: use the stage's)."""
    if probability is not None and not Decimal(0) <= probability <= Decimal(1):
        raise InvalidInput(
            f"probability {probability} is not between 0 and 1",
            field="probability",
            fix="give a probability such as 0.6, or clear it",
        )
    return _change(ctx, initiative_id, "initiative.probability", expected_version,
                   probability=probability)  # fmt: skip


def sign_off(
    ctx: Context, initiative_id: str, partner: str, controller: str, on: date,
    expected_version: int | None = None,
) -> Initiative:  # fmt: skip
    """A controller of `partner` signs the realized saving off (needed for L5)."""
    ctx.allow(Action.sign_off, partner=partner)
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        _check_version(before, expected_version)
        if partner not in before.partners():
            raise InvalidInput(
                f"{partner} does not share {initiative_id}",
                field="partner",
                fix=f"partners sharing it: {', '.join(before.partners())}",
            )
        if any(s.partner == partner for s in before.signoffs):
            raise Conflict(f"{partner} has already signed {initiative_id} off", field="partner")
        proposed = audit_rows.actors(conn, f"initiative/{initiative_id}", PROPOSING)
        proposers = {before.owner, *proposed}
        if controller.strip().lower() in {p.strip().lower() for p in proposers}:
            raise InvalidInput(
                f"{controller} proposed {initiative_id} or its figures and cannot sign it off",
                field="controller",
                fix="another controller of the partner must sign",
            )
        signature = SignOff(partner, controller.strip(), on)
        after = before.with_changes(signoffs=(*before.signoffs, signature))
        initiative_rows.update_initiative(conn, after)
        initiative_rows.insert_signoff(conn, initiative_id, signature)
        ctx.audit(conn, "initiative.sign_off", f"initiative/{initiative_id}", before, after)
    return after


def allocation_weight(ctx: Context, initiative_id: str, partner: str) -> Decimal:
    """A partner's raw allocation weight: for a cost-base split, that partner's cost base."""
    ctx.allow(Action.read_confidential, partner=partner)
    found = get(ctx, initiative_id)
    weights = dict(found.allocation.weights)
    if partner not in weights:
        raise NotFound(
            f"{partner} does not share {initiative_id}",
            field="partner",
            fix=f"partners sharing it: {', '.join(found.partners())}",
        )
    return weights[partner]
