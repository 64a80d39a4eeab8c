"""Initiatives: create, change figures, pass stage gates, approve, lock, sign off.

GET of one initiative sends its version as the ETag. Every change accepts `If-Match`; a stale
version is refused with 409 Conflict and changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import AfterValidator

from synergies.api.deps import CodePath, ContextDep, IfMatch, PagingDep
from synergies.api.pages import Page, cut, sort_pattern
from synergies.api.problems import WRITE_ERRORS
from synergies.domain.initiatives import Initiative, SideStatus, Stage
from synergies.schemas.initiatives import (
    AdvanceIn,
    ApprovalIn,
    FiguresIn,
    InitiativeIn,
    InitiativeOut,
    ProbabilityIn,
    SignOffIn,
    StatusIn,
    WeightOut,
)
from synergies.services import initiatives as service
from synergies.services.initiatives import InitiativeFilter

router = APIRouter(prefix="/initiatives", tags=["initiatives"], responses=WRITE_ERRORS)
# Initiative ids are upper case (PUR-001); a path may say pur-001, upper-cased once here.
IdPath = Annotated[
    str,
    Path(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"),
    AfterValidator(str.upper),
]
SORT_KEYS = {
    "id": lambda i: i.id,
    "name": lambda i: i.name,
    "stage": lambda i: i.stage.rank,
    "function": lambda i: i.function,
    "version": lambda i: i.version,
}


def _tagged(response: Response, initiative: Initiative) -> InitiativeOut:
    response.headers["ETag"] = f'"{initiative.version}"'
    return InitiativeOut.of(initiative)


@router.get("")
def list_initiatives(
    ctx: ContextDep,
    paging: PagingDep,
    stage: Stage | None = None,
    function: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")] = None,
    status: SideStatus | None = None,
    partner: Annotated[str | None, Query(max_length=20, pattern=r"^[A-Za-z0-9_]*$")] = None,
    sort: Annotated[str, Query(pattern=sort_pattern(list(SORT_KEYS)))] = "id",
) -> Page[InitiativeOut]:
    """Initiatives, filtered by stage, function, side status and a partner sharing in them;
    sorted and paged."""
    where = InitiativeFilter(stage, function or None, status, partner.upper() if partner else None)
    found = service.list_initiatives(ctx, where)
    items, total = cut(found, paging, sort, SORT_KEYS)
    return Page(
        items=[InitiativeOut.of(i) for i in items], total=total, limit=paging.limit,
        offset=paging.offset,
    )  # fmt: skip


@router.get("/{initiative_id}")
def get_initiative(ctx: ContextDep, initiative_id: IdPath, response: Response) -> InitiativeOut:
    """One initiative; its version is the ETag."""
    return _tagged(response, service.get(ctx, initiative_id))


@router.post("", status_code=201)
def create_initiative(ctx: ContextDep, body: InitiativeIn, response: Response) -> InitiativeOut:
    """Create an initiative at L0 (alliance admin, or a lead of its function)."""
    return _tagged(response, service.create(ctx, body.to_domain()))


@router.put("/{initiative_id}/figures")
def update_figures(
    ctx: ContextDep, initiative_id: IdPath, body: FiguresIn, version: IfMatch, response: Response
) -> InitiativeOut:
    """Set the working forecast (the business case)."""
    done = service.update_figures(ctx, initiative_id, body.to_domain(), version)
    return _tagged(response, done)


@router.post("/{initiative_id}/advance")
def advance(
    ctx: ContextDep, initiative_id: IdPath, body: AdvanceIn, version: IfMatch, response: Response
) -> InitiativeOut:
    """Pass a stage gate; a gate whose requirements are not met is refused with 409."""
    return _tagged(response, service.advance(ctx, initiative_id, body.to, version))


@router.post("/{initiative_id}/approval")
def approve(
    ctx: ContextDep, initiative_id: IdPath, body: ApprovalIn, version: IfMatch,
    response: Response,
) -> InitiativeOut:  # fmt: skip
    """Record who approved it and when (e.g. the Alliance Board), at L2, for L3.

    Needs the approve right (an approver, or an alliance admin) and no part in the initiative
    (owner, proposer, figures); dated today or up to 400 days back, not before its creation.
    A change of the figures before the plan is locked lapses the approval."""
    done = service.approve(ctx, initiative_id, body.body, body.on, version)
    return _tagged(response, done)


@router.post("/{initiative_id}/lock-plan")
def lock_plan(
    ctx: ContextDep, initiative_id: IdPath, version: IfMatch, response: Response
) -> InitiativeOut:
    """Freeze the business case as the locked plan; it never changes afterwards."""
    return _tagged(response, service.lock_plan(ctx, initiative_id, version))


@router.post("/{initiative_id}/status")
def set_status(
    ctx: ContextDep, initiative_id: IdPath, body: StatusIn, version: IfMatch, response: Response
) -> InitiativeOut:
    """Set or clear the side status: at risk, on hold, cancelled."""
    done = service.set_status(ctx, initiative_id, body.status, version)
    return _tagged(response, done)


@router.put("/{initiative_id}/probability")
def set_probability(
    ctx: ContextDep, initiative_id: IdPath, body: ProbabilityIn, version: IfMatch,
    response: Response,
) -> InitiativeOut:  # fmt: skip
    """Set (or clear) the initiative's own probability of delivery used by forecasts."""
    done = service.set_probability(ctx, initiative_id, body.probability, version)
    return _tagged(response, done)


@router.post("/{initiative_id}/sign-offs")
def sign_off(
    ctx: ContextDep, initiative_id: IdPath, body: SignOffIn, version: IfMatch, response: Response
) -> InitiativeOut:
    """Sign the executed saving off for your partner at L4; you are the signing controller.

    Only a partner controller of that partner, with no part in the initiative (owner,
    proposer, figures, approval) and not its signer for another partner; dated between its
    entering L4 (and its figures' start and last change) and today, at most 400 days ago.
    A change of the figures lapses every sign-off."""
    done = service.sign_off(ctx, initiative_id, body.partner, body.on, version)
    return _tagged(response, done)


@router.get("/{initiative_id}/weights/{partner}")
def allocation_weight(ctx: ContextDep, initiative_id: IdPath, partner: CodePath) -> WeightOut:
    """A partner's raw allocation weight (for a cost-base split: its confidential cost base)."""
    key = partner
    weight = service.allocation_weight(ctx, initiative_id, key)
    method = service.get(ctx, initiative_id).allocation.method
    return WeightOut(initiative=initiative_id, partner=key, method=method, weight=weight)
