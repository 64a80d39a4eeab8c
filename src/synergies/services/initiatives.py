"""Initiatives: create, change figures, move through stage gates, approve, sign off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from synergies.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SynergiesError,
)
from synergies.domain.gates import advance as pass_gate
from synergies.domain.initiatives import (
    Approval,
    Initiative,
    PlanFigures,
    SideStatus,
    SignOff,
    Stage,
    dated_within,
)
from synergies.domain.partners import Partner, find_partner
from synergies.services.audit import Change
from synergies.services.context import Context
from synergies.services.security import Action, Actor
from synergies.storage import alliance_rows, audit_rows, initiative_rows

# The audit actions that propose an initiative or its figures: their actors may neither approve
# it nor sign it off.
PROPOSING = (
    "initiative.create", "initiative.example", "initiative.figures", "initiative.lock_plan",
)  # fmt: skip
# ... and those who recorded its approval may not sign it off either.
APPROVING = ("initiative.approve",)
# The audit actions after which earlier sign-offs no longer cover the figures.
FIGURES_CHANGED = PROPOSING


@dataclass(frozen=True, slots=True)
class InitiativeFilter:
    stage: Stage | None = None
    function: str | None = None
    status: SideStatus | None = None
    partner: str | None = None  # a partner's code: only the initiatives it shares in


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
        and (where.partner is None or where.partner in i.partners())
    ]


def get(ctx: Context, initiative_id: str) -> Initiative:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return initiative_rows.load_initiative(conn, initiative_id)


def _check_refs(conn: Connection, i: Initiative) -> None:
    _check_refs_in(alliance_rows.load_functions(conn), alliance_rows.load_partners(conn), i)


def _check_refs_in(functions: Mapping[str, object], partners: dict[str, Partner],
                   i: Initiative) -> None:  # fmt: skip
    if i.function not in functions:
        known = ", ".join(sorted(functions))
        raise NotFound(
            f"unknown function {i.function!r}", field="function", fix=f"use one of: {known}"
        )
    for partner, _ in i.allocation.weights:
        find_partner(partners, partner, field="allocation")


def _allow_manage(ctx: Context, initiative: Initiative) -> None:
    """A lead manages initiatives of a function they lead, shared by the partner they are of."""
    ctx.allow(
        Action.manage_initiatives,
        function=initiative.function,
        partner=acting_partner(ctx.actor, initiative),
    )


def acting_partner(actor: Actor, initiative: Initiative) -> str | None:
    """The actor's partner if it shares the initiative, else a partner that does (refused)."""
    shared = initiative.partners()
    if actor.partner in shared:
        return actor.partner
    return shared[0] if shared else None


def _check_fresh(initiative: Initiative) -> None:
    """A new initiative is an idea: stages, approval and sign-offs are earned, not created."""
    if (
        initiative.stage is not Stage.L0
        or initiative.approval is not None
        or initiative.locked_plan is not None
        or initiative.signoffs
    ):
        raise InvalidInput(
            f"{initiative.id} would start at {initiative.stage} with an approval, a locked "
            "plan or sign-offs",
            field="stage",
            fix="create it at L0 and pass each gate",
        )


def create(ctx: Context, initiative: Initiative) -> Initiative:
    """Create an initiative at L0 (idea); it earns every later stage through its gates."""
    _allow_manage(ctx, initiative)
    _check_fresh(initiative)
    return _insert(ctx, initiative, "initiative.create")


def create_many(ctx: Context, made: list[Initiative]) -> list[Initiative]:
    """Create many initiatives at L0, as `create` would one by one, in a few statements.

    Every one is checked before any is written: the first refusal raises and writes nothing
    (a caller that wants every refusal creates the rest one by one)."""
    if not made:
        return []
    with ctx.transaction() as conn:
        functions = alliance_rows.load_functions(conn)
        partners = alliance_rows.load_partners(conn)
        for initiative in made:
            _allow_manage(ctx, initiative)
            _check_fresh(initiative)
            _check_refs_in(functions, partners, initiative)
        initiative_rows.insert_initiatives(conn, made)
        initiative_rows.record_stage_changes(
            conn, [(i.id, None, i.stage.value) for i in made], ctx.actor.name, ctx.clock()
        )
        ctx.audit_many(conn, [("initiative.create", f"initiative/{i.id}", None, i) for i in made])
    return made


def record_example(ctx: Context, initiative: Initiative) -> Initiative:
    """Store one initiative of the illustrative example at its stage, sign-offs included.

    Only the example loader calls this: its approvals and sign-offs are invented history,
    labelled illustrative wherever the initiative is shown, and audited as such.
    """
    ctx.allow(Action.manage_structure)
    if not initiative.illustrative:
        raise InvalidInput(
            f"{initiative.id} is not illustrative example data",
            field="illustrative",
            fix="create real initiatives at L0 and pass each gate",
        )
    return _insert(ctx, initiative, "initiative.example")


def _insert(ctx: Context, initiative: Initiative, action: str) -> Initiative:
    with ctx.transaction() as conn:
        _check_refs(conn, initiative)
        initiative_rows.insert_initiative(conn, initiative)
        initiative_rows.record_stage_change(
            conn, initiative.id, None, initiative.stage.value, ctx.actor.name, ctx.clock()
        )
        ctx.audit(conn, action, f"initiative/{initiative.id}", after=initiative)
    return initiative


def _change(
    ctx: Context, initiative_id: str, action: str, expected_version: int | None, **changes: object
) -> Initiative:
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        _allow_manage(ctx, before)
        _check_version(before, expected_version)
        after = before.with_changes(**changes)
        initiative_rows.update_initiative(conn, after)
        ctx.audit(conn, action, f"initiative/{initiative_id}", before, after)
    return after


def _lapse(
    ctx: Context, conn: Connection, current: Initiative, *, approval: bool = True
) -> Initiative:
    """The figures changed: sign-offs (and an approval not yet locked in) no longer hold."""
    lapsed = current
    if current.signoffs:
        lapsed = lapsed.with_changes(signoffs=())
        initiative_rows.delete_signoffs(conn, current.id)
    if approval and current.approval is not None and current.locked_plan is None:
        lapsed = lapsed.with_changes(approval=None)
    if lapsed is current:
        return current
    initiative_rows.update_initiative(conn, lapsed)
    ctx.audit(conn, "initiative.lapse", f"initiative/{current.id}", current, lapsed)
    return lapsed


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
    with ctx.transaction() as conn:
        current = initiative_rows.load_initiative(conn, initiative_id)
        _allow_manage(ctx, current)
        _check_version(current, expected_version)
        if current.stage is Stage.L5:
            raise Conflict(
                f"{initiative_id} is realized: its controllers signed these figures off",
                field="initiative",
                fix="correct realized savings with ledger entries (and reversals)",
            )
        _lapse(ctx, conn, current)
        return _change(ctx, initiative_id, "initiative.figures", None, forecast=figures)


def advance(
    ctx: Context, initiative_id: str, to: Stage, expected_version: int | None = None
) -> Initiative:
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        _allow_manage(ctx, before)
        _check_version(before, expected_version)
        after = pass_gate(before, to)
        initiative_rows.update_initiative(conn, after)
        initiative_rows.record_stage_change(
            conn, initiative_id, before.stage.value, to.value, ctx.actor.name, ctx.clock()
        )
        ctx.audit(conn, "initiative.advance", f"initiative/{initiative_id}", before, after)
    return after


def advance_many(
    ctx: Context, moves: list[tuple[str, Stage]]
) -> tuple[list[Initiative], dict[str, SynergiesError]]:
    """Move many initiatives through one gate each, as `advance` would one by one.

    Those whose gate holds (or whose move is not the actor's to make) stay where they are and
    come back with their refusal; the others move, in a few statements."""
    moved: list[Initiative] = []
    refused: dict[str, SynergiesError] = {}
    if not moves:
        return moved, refused
    with ctx.transaction() as conn:
        wanted = dict(moves)
        stored = {i.id: i for i in initiative_rows.load_initiatives(conn) if i.id in wanted}
        changes: list[Change] = []
        for initiative_id, to in moves:
            try:
                before = stored.get(initiative_id) or initiative_rows.load_initiative(
                    conn, initiative_id
                )
                _allow_manage(ctx, before)
                after = pass_gate(before, to)
            except SynergiesError as refusal:
                refused[initiative_id] = refusal
                continue
            moved.append(after)
            changes.append(("initiative.advance", f"initiative/{initiative_id}", before, after))
        initiative_rows.update_initiatives(conn, moved)
        initiative_rows.record_stage_changes(
            conn, [(a.id, stored[a.id].stage.value, a.stage.value) for a in moved],
            ctx.actor.name, ctx.clock(),
        )  # fmt: skip
        ctx.audit_many(conn, changes)
    return moved, refused


def approve(
    ctx: Context, initiative_id: str, body: str, on: date, expected_version: int | None = None
) -> Initiative:
    """Record a governing body's approval of the validated business case (the gate to L3).

    Who records it holds the approve right (an approver, or an alliance admin) and neither
    owns, created nor set the figures of the initiative."""
    if not body.strip():
        raise InvalidInput(
            "say who approved it", field="approved_by", fix="name the body, e.g. 'Alliance Board'"
        )
    ctx.allow(Action.approve)
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        _check_version(before, expected_version)
        if before.stage is not Stage.L2:
            raise Conflict(
                f"{initiative_id} is at {before.stage}: an approval is recorded at L2 "
                "(validated), before L3",
                field="initiative",
                fix="approve a validated initiative",
            )
        _refuse_interested(ctx, conn, before, PROPOSING, "approve it")
        created = initiative_rows.entered_at(conn, initiative_id, Stage.L0.value)
        dated_within(on, _day(created), ctx.clock().date(), what="the approval", field="on")
        after = before.with_changes(approval=Approval(body.strip(), on))
        initiative_rows.update_initiative(conn, after)
        ctx.audit(conn, "initiative.approve", f"initiative/{initiative_id}", before, after)
    return after


def _day(moment: datetime | None) -> date:
    return moment.date() if moment is not None else date.min


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _refuse_interested(
    ctx: Context, conn: Connection, i: Initiative, actions: tuple[str, ...], doing: str
) -> None:
    """Whoever owns the initiative or recorded any of `actions` on it may not do this."""
    recorded = audit_rows.actors(conn, f"initiative/{i.id}", actions)
    me = ctx.actor.name
    if any(_same_person(me, who) for who in {i.owner, *recorded}):
        raise PermissionDenied(
            f"{me} owns {i.id}, proposed it or its figures, or approved it, and cannot {doing}",
            field="initiative",
            fix="someone with no part in it must do this",
        )


def lock_plan(ctx: Context, initiative_id: str, expected_version: int | None = None) -> Initiative:
    """Freeze the business case as the locked plan; once locked it never changes.

    Read, check and copy in the write transaction: the plan is the business case committed
    before it, never one that a concurrent figures update has just replaced."""
    with ctx.transaction() as conn:
        current = initiative_rows.load_initiative(conn, initiative_id)
        _allow_manage(ctx, current)
        if current.locked_plan is not None:
            raise Conflict(f"the plan of {initiative_id} is already locked", field="initiative")
        if current.forecast is None:
            raise Conflict(
                f"{initiative_id} has no business case to lock",
                field="initiative",
                fix="set its figures (run-rate, one-off costs, start) first",
            )
        _check_version(current, expected_version)
        _lapse(ctx, conn, current, approval=False)  # locking keeps the approved figures
        return _change(
            ctx, initiative_id, "initiative.lock_plan", None, locked_plan=current.forecast
        )


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
    ctx: Context, initiative_id: str, partner: str, on: date,
    expected_version: int | None = None,
) -> Initiative:  # fmt: skip
    """The acting controller of `partner` signs the executed saving off (needed for L5).

    Accepted at L4 only, dated between the initiative entering L4 (and its figures' start
    and last change) and today, at most `LOOKBACK` ago. The signer is `ctx.actor`: a
    controller of that partner who neither owns, proposed, set the figures of nor approved
    the initiative, and has not signed it for another partner."""
    ctx.allow(Action.sign_off, partner=partner)
    with ctx.transaction() as conn:
        before = initiative_rows.load_initiative(conn, initiative_id)
        _check_version(before, expected_version)
        _check_signable(before, partner)
        _refuse_interested(ctx, conn, before, (*PROPOSING, *APPROVING), "sign it off")
        if any(_same_person(ctx.actor.name, s.controller) for s in before.signoffs):
            raise PermissionDenied(
                f"{ctx.actor.name} already signed {initiative_id} off for another partner",
                field="partner",
                fix="each partner's sign-off comes from a different person",
            )
        today = ctx.clock().date()
        earliest = _signable_from(conn, before, today)
        dated_within(on, earliest, today, what="the sign-off", field="on")
        signature = SignOff(partner, ctx.actor.name, on)
        after = before.with_changes(signoffs=(*before.signoffs, signature))
        initiative_rows.update_initiative(conn, after)
        initiative_rows.insert_signoff(conn, initiative_id, signature)
        ctx.audit(conn, "initiative.sign_off", f"initiative/{initiative_id}", before, after)
    return after


def _check_signable(i: Initiative, partner: str) -> None:
    if partner not in i.partners():
        raise Conflict(
            f"{partner} does not share {i.id}",
            field="partner",
            fix=f"partners sharing it: {', '.join(i.partners())}",
        )
    if i.stage is not Stage.L4 or i.side_status in (SideStatus.cancelled, SideStatus.on_hold):
        shown = f"{i.side_status.value}" if i.side_status else str(i.stage)
        raise Conflict(
            f"{i.id} is {shown}: sign-offs are taken at L4 (executed), for L5",
            field="initiative",
            fix="sign off an executed initiative",
        )
    if any(s.partner == partner for s in i.signoffs):
        raise Conflict(f"{partner} has already signed {i.id} off", field="partner")


def _signable_from(conn: Connection, i: Initiative, today: date) -> date:
    """The first day a sign-off may carry: after execution and the figures it covers."""
    executed = _day(initiative_rows.entered_at(conn, i.id, Stage.L4.value))
    # The audit trail keeps wall-clock times; a context's clock may run behind it.
    changes = [
        min(r.at.date(), today)
        for r in audit_rows.records(conn, f"initiative/{i.id}")
        if r.subject == f"initiative/{i.id}" and r.action in FIGURES_CHANGED
    ]
    figures = i.locked_plan or i.forecast
    start = figures.start.first_day() if figures else date.min
    return max(executed, start, *changes)


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
