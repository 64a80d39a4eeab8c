"""The initiatives: a register filtered, sorted and paged as the API's list is; one
initiative in full, with the gate actions its viewer may take.

Gate actions are forms (CSRF token and the initiative's version, hidden). The service decides;
the page only shows what the policy would allow. A refusal by the rules (a gate's unmet
requirements, a stale version, a sign-off the segregation of duties forbids) is shown on the
initiative's page with every reason, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator

from synergies.api.deps import Paging
from synergies.api.pages import cut, sort_pattern
from synergies.api.routes.initiatives import SORT_KEYS, IdPath
from synergies.api.routes.ledger import SORT_KEYS as ENTRY_SORT_KEYS
from synergies.domain.errors import (
    Conflict,
    GateRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SynergiesError,
)
from synergies.domain.initiatives import Initiative, SideStatus, Stage
from synergies.domain.partners import partner_code
from synergies.schemas.common import MoneyOut
from synergies.schemas.forecast import DriverOut, PaybackOut, euros
from synergies.schemas.initiatives import InitiativeOut, InitiativeStatusOut
from synergies.schemas.ledger import EntryOut
from synergies.services import (
    forecasts,
    initiative_detail,
    initiative_status,
    initiatives,
    structure,
)
from synergies.services.initiatives import InitiativeFilter
from synergies.services.security import Action
from synergies.web.session import FormViewer, Viewer, ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)
BASE = "/web/initiatives"
PAGE_SIZES = (10, 20, 50, 100)
ENTRIES_SHOWN = 12


def _blank_is_none(value: object) -> object:
    """A select's "any" sends an empty value: no filter."""
    return None if value == "" else value


Choice = BeforeValidator(_blank_is_none)
Filter = Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]*$"), Choice]


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    key: str | None = None  # a sort key of the API's list; None: not sortable
    numeric: bool = False


COLUMNS = (
    Column("ID", "id"), Column("Name", "name"), Column("Function", "function"),
    Column("Stage and status", "stage"), Column("Partners"),
    Column("Run-rate (plan)", numeric=True), Column("Realized to date (EUR)", numeric=True),
    Column("Status today"),
)  # fmt: skip


def _link(path: str, query: dict[str, object]) -> str:
    kept = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


@router.get(BASE)
def initiative_list(
    request: Request,
    viewer: ViewerDep,
    stage: Annotated[Stage | None, Query(), Choice] = None,
    function: Filter = None,
    partner: Filter = None,
    status: Annotated[SideStatus | None, Query(), Choice] = None,
    sort: Annotated[str, Query(pattern=sort_pattern(list(SORT_KEYS)))] = "id",
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    code = partner_code(partner) if partner else None
    where = InitiativeFilter(stage, function, status, code)
    found = initiatives.list_initiatives(viewer.ctx, where)
    items, total = cut(found, Paging(limit, offset), sort, SORT_KEYS)
    board = initiative_status.statuses(viewer.ctx)
    query: dict[str, object] = {
        "function": function, "stage": stage, "partner": code, "status": status,
    }  # fmt: skip
    here = {**query, "sort": sort, "limit": limit}
    return render(
        request, "initiatives.html", viewer, title="Initiatives",
        json_links=(("Initiatives", _link("/initiatives", {**query, **_api_paging(here, offset)})),),
        rows=[Row.of(i, board.shown(i.id)) for i in items],
        not_attributed=_not_attributed(board, {i.function for i in items}),
        total=total, offset=offset, limit=limit, sort=sort, query=query,
        columns=[(c, _sorted_by(c, sort), _sort_link(c, sort, here)) for c in COLUMNS],
        previous=_link(BASE, {**here, "offset": max(offset - limit, 0)}) if offset else None,
        next=_link(BASE, {**here, "offset": offset + limit}) if offset + limit < total else None,
        functions=sorted(structure.functions(viewer.ctx)),
        partners=sorted(structure.partners(viewer.ctx)), stages=list(Stage),
        statuses=list(SideStatus), page_sizes=PAGE_SIZES,
    )  # fmt: skip


def _not_attributed(
    board: initiative_status.StatusBoard, functions: set[str]
) -> list[tuple[str, Decimal]]:
    """Each listed function's savings booked to no initiative, to show beside its own."""
    found = ((f, board.not_attributed_in(f).to_date) for f in sorted(functions))
    return [(f, amount) for f, amount in found if amount]


def _api_paging(here: dict[str, object], offset: int) -> dict[str, object]:
    return {"sort": here["sort"], "limit": here["limit"], "offset": offset or None}


@dataclass(frozen=True, slots=True)
class Row:
    """A line of the register: the API's initiative, its plan's run-rate, its partners."""

    item: InitiativeOut
    plan: MoneyOut | None
    partners: tuple[str, ...]
    status: InitiativeStatusOut

    @classmethod
    def of(cls, i: Initiative, status: InitiativeStatusOut) -> Row:
        figures = i.locked_plan or i.forecast
        plan = MoneyOut.of(figures.run_rate) if figures else None
        return cls(InitiativeOut.of(i), plan, tuple(i.partners()), status)


def _sorted_by(column: Column, sort: str) -> str | None:
    """The column's aria-sort value, if the list is sorted by it."""
    if column.key is None or sort.lstrip("-") != column.key:
        return None
    return "descending" if sort.startswith("-") else "ascending"


def _sort_link(column: Column, sort: str, here: dict[str, object]) -> str | None:
    """Sort by the column; a second click on the sorted column reverses it."""
    if column.key is None:
        return None
    wanted = f"-{column.key}" if sort == column.key else column.key
    return _link(BASE, {**here, "sort": wanted})


# What the page says after each change went through.
DONE = {
    "advanced": "passed the gate: it is now at {stage} ({label}).",
    "approved": "has its approval recorded.",
    "locked": "has its business case locked as the plan.",
    "signed": "is signed off for your partner.",
}


@router.get(BASE + "/{initiative_id}")
def initiative_page(
    request: Request,
    viewer: ViewerDep,
    initiative_id: IdPath,
    done: Annotated[str | None, Query(max_length=20)] = None,
    as_of: Annotated[int | None, Query(ge=1900, le=2199), Choice] = None,
    entries: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    return _detail(request, viewer, initiative_id, done=done, as_of=as_of, entries=entries)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a change was refused, every unmet requirement listed; nothing was changed."""

    heading: str
    message: str
    fix: str | None
    reasons: tuple[str, ...] = ()


def _detail(
    request: Request, viewer: Viewer, initiative_id: str, *, status: int = 200,
    done: str | None = None, refusal: Refusal | None = None, as_of: int | None = None,
    entries: int = 0,
) -> HTMLResponse:  # fmt: skip
    ctx = viewer.ctx
    found = initiative_detail.detail(ctx, initiative_id)
    i = found.initiative
    shown, total = cut(found.entries, Paging(ENTRIES_SHOWN, entries), "-id", ENTRY_SORT_KEYS)
    contribution, unavailable = _contribution(viewer, i.id, as_of)
    message = DONE.get(done or "")
    return render(
        request, "initiative.html", viewer, status=status, title=f"{i.id} · {i.name}",
        json_links=_detail_links(viewer, i, contribution),
        item=InitiativeOut.of(i), detail=found, stages=list(Stage),
        done=f"{i.id} " + message.format(stage=i.stage, label=i.stage.label) if message else None,
        refusal=refusal, actions=_actions(viewer, i), today=ctx.clock().date(),
        entries=[EntryOut.of(e) for e in shown], entries_total=total, entries_offset=entries,
        entry_pages=_entry_pages(i.id, entries, total, as_of),
        contribution=contribution, unavailable=unavailable,
        driver=DriverOut.of(contribution.driver) if contribution and contribution.driver else None,
        payback=PaybackOut.of(contribution.payback) if contribution and contribution.payback
        else None,
        audit=initiative_detail.audit_history(ctx, i.id),
        payback_until=forecasts.PAYBACK_UNTIL, reads_audit=viewer.may(Action.read_audit),
        euros=euros,
    )  # fmt: skip


def _contribution(
    viewer: Viewer, initiative_id: str, as_of: int | None
) -> tuple[initiative_detail.Contribution | None, str | None]:
    """The forecast's view of the initiative, or why there is none (no realized year yet,
    or none in `as_of`)."""
    try:
        return initiative_detail.forecast_contribution(viewer.ctx, initiative_id, as_of), None
    except (InvalidInput, NotFound, Conflict) as error:
        return None, f"{error.message} ({error.fix})" if error.fix else error.message


def _entry_pages(
    initiative_id: str, offset: int, total: int, as_of: int | None
) -> tuple[str | None, str | None]:
    path = f"{BASE}/{initiative_id}"

    def at(start: int) -> str:
        return _link(path, {"as_of": as_of, "entries": start or None}) + "#ledger"

    earlier = at(offset + ENTRIES_SHOWN) if offset + ENTRIES_SHOWN < total else None
    later = at(max(offset - ENTRIES_SHOWN, 0)) if offset else None
    return later, earlier


def _detail_links(
    viewer: Viewer, i: Initiative, contribution: initiative_detail.Contribution | None
) -> tuple[tuple[str, str], ...]:
    links = [
        ("Initiative", f"/initiatives/{i.id}"),
        ("Ledger entries", f"/ledger?initiative={i.id}&sort=-id&limit=1000"),
        ("Forecast", f"/forecast?as_of={contribution.as_of}" if contribution else "/forecast"),
        ("Payback", f"/payback?initiative={i.id}"),
        ("Measurement runs", "/measurements"),
    ]
    if viewer.may(Action.read_audit):
        links.append(("Audit trail", f"/audit?subject=initiative/{i.id}"))
    return tuple(links)


@dataclass(frozen=True, slots=True)
class Actions:
    """The gate actions the policy would let this viewer try (the service still decides)."""

    advance: bool
    lock_plan: bool
    approve: bool
    sign_for: tuple[str, ...]  # partners the viewer may sign for, not signed yet

    @property
    def any(self) -> bool:
        return self.advance or self.lock_plan or self.approve or bool(self.sign_for)


def _actions(viewer: Viewer, i: Initiative) -> Actions:
    manages = viewer.may(
        Action.manage_initiatives,
        function=i.function,
        partner=initiative_detail.acting_partner(viewer.actor, i),
    )
    signed = {s.partner for s in i.signoffs}
    return Actions(
        advance=manages and i.stage is not Stage.L5,
        lock_plan=manages and i.forecast is not None and i.locked_plan is None,
        approve=viewer.may(Action.approve) and i.stage is Stage.L2 and i.approval is None,
        sign_for=tuple(
            p for p in i.partners()
            if i.stage is Stage.L4 and p not in signed and viewer.may(Action.sign_off, partner=p)
        ),
    )  # fmt: skip


Version = Annotated[int, Form(ge=1, le=2**31 - 1)]


def _attempt(
    request: Request, viewer: Viewer, initiative_id: str, action: Action, done: str,
    change: Callable[[], object], target: Stage | None = None,
) -> Response:  # fmt: skip
    """Make the change and go back to the page saying so; or show the page again with the
    refusal. A viewer whose role may not do this at all gets the 403 page instead."""
    try:
        change()
    except GateRefused as error:
        reasons = error.reasons
        said = f"{initiative_id} cannot enter {target} ({target.label})" if target else ""
        refusal = Refusal(
            "The gate refused", said if reasons else error.message, error.fix, reasons
        )
        return _detail(request, viewer, initiative_id, status=409, refusal=refusal)
    except Conflict as error:
        heading = (
            "This page was out of date: the initiative changed since you opened it"
            if error.field == "version"
            else "Refused"
        )
        return _refused(request, viewer, initiative_id, 409, heading, error)
    except InvalidInput as error:
        return _refused(request, viewer, initiative_id, 422, "Not accepted", error)
    except PermissionDenied as error:
        if not viewer.may(action):
            raise
        return _refused(request, viewer, initiative_id, 403, "Not allowed for you", error)
    return RedirectResponse(f"{BASE}/{initiative_id}?done={done}", status_code=303)


def _refused(
    request: Request, viewer: Viewer, initiative_id: str, status: int, heading: str,
    error: SynergiesError,
) -> HTMLResponse:  # fmt: skip
    refusal = Refusal(heading, error.message, error.fix)
    return _detail(request, viewer, initiative_id, status=status, refusal=refusal)


@router.post(BASE + "/{initiative_id}/advance")
def advance(
    request: Request, viewer: FormViewer, initiative_id: IdPath,
    to: Annotated[Stage, Form()], version: Version,
) -> Response:  # fmt: skip
    def change() -> object:
        return initiatives.advance(viewer.ctx, initiative_id, to, version)

    return _attempt(
        request, viewer, initiative_id, Action.manage_initiatives, "advanced", change, to
    )


@router.post(BASE + "/{initiative_id}/lock-plan")
def lock_plan(
    request: Request, viewer: FormViewer, initiative_id: IdPath, version: Version
) -> Response:
    def change() -> object:
        return initiatives.lock_plan(viewer.ctx, initiative_id, version)

    return _attempt(request, viewer, initiative_id, Action.manage_initiatives, "locked", change)


@router.post(BASE + "/{initiative_id}/approve")
def approve(
    request: Request, viewer: FormViewer, initiative_id: IdPath, version: Version,
    body: Annotated[str, Form(max_length=200)], on: Annotated[date, Form()],
) -> Response:  # fmt: skip
    def change() -> object:
        return initiatives.approve(viewer.ctx, initiative_id, body, on, version)

    return _attempt(request, viewer, initiative_id, Action.approve, "approved", change)


@router.post(BASE + "/{initiative_id}/sign-off")
def sign_off(
    request: Request, viewer: FormViewer, initiative_id: IdPath, version: Version,
    partner: Annotated[str, Form(max_length=20)], on: Annotated[date, Form()],
) -> Response:  # fmt: skip
    def change() -> object:
        code = partner_code(partner)
        return initiatives.sign_off(viewer.ctx, initiative_id, code, on, version)

    return _attempt(request, viewer, initiative_id, Action.sign_off, "signed", change)
