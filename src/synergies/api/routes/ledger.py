"""The savings ledger: list, export, add, reverse. Never edited, never deleted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from synergies.api.deps import ContextDep, PagingDep
from synergies.api.pages import Page, sort_pattern
from synergies.api.problems import WRITE_ERRORS
from synergies.csv_writer import csv_text
from synergies.schemas.ledger import (
    EntryIn,
    EntryOut,
    LedgerFilter,
    ReversalIn,
    SplitIn,
    SplitOut,
)
from synergies.services import ledger as service

router = APIRouter(prefix="/ledger", tags=["ledger"], responses=WRITE_ERRORS)
EntryPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
SORT_KEYS = {
    "id": lambda e: e.id or 0,
    "period": lambda e: (e.period, e.id or 0),
    "amount": lambda e: (e.amount.currency, e.amount.amount),
    "partner": lambda e: (e.partner, e.id or 0),
}
FilterDep = Annotated[LedgerFilter, Query()]


@router.get("")
def list_entries(
    ctx: ContextDep,
    where: FilterDep,
    paging: PagingDep,
    sort: Annotated[str, Query(pattern=sort_pattern(list(SORT_KEYS)))] = "id",
) -> Page[EntryOut]:
    """Ledger entries, filtered by initiative, partner, function, source, year and category;
    sorted and paged in the store (a page of a million entries reads one page)."""
    page = service.entry_page(
        ctx, where.to_domain(), sort=sort, limit=paging.limit, offset=paging.offset
    )
    return Page(
        items=[EntryOut.of(e) for e in page.entries], total=page.total, limit=paging.limit,
        offset=paging.offset,
    )  # fmt: skip


@router.get("/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_entries(ctx: ContextDep, where: FilterDep) -> Response:
    """The same entries as CSV, for a spreadsheet."""
    rows = [EntryOut.of(e).row() for e in service.entries(ctx, where.to_domain())]
    return Response(csv_text(rows), media_type="text/csv")


@router.get("/{entry_id}")
def get_entry(ctx: ContextDep, entry_id: EntryPath) -> EntryOut:
    """One entry."""
    return EntryOut.of(service.entry(ctx, entry_id))


@router.post("", status_code=201)
def add_entry(ctx: ContextDep, body: EntryIn) -> EntryOut:
    """Record a realized saving (or a one-off cost) entered by you."""
    entry = body.to_domain(author=ctx.actor.name, at=ctx.clock())
    return EntryOut.of(service.add(ctx, entry))


@router.post("/splits", status_code=201)
def add_split(ctx: ContextDep, body: SplitIn) -> SplitOut:
    """Record an amount for the whole alliance, split by its initiative's allocation rule
    (fixed shares or volume; a cost-base split is refused: it would reveal the cost bases) into
    one entry per partner, to the minor unit and summing exactly; you must be allowed to
    record for every partner. A route of its own, so that `POST /ledger` answers one entry."""
    entry = body.to_domain(author=ctx.actor.name, at=ctx.clock())
    return SplitOut.of(service.add_split(ctx, entry))


@router.post("/{entry_id}/reversal", status_code=201)
def reverse_entry(ctx: ContextDep, entry_id: EntryPath, body: ReversalIn) -> EntryOut:
    """Correct an entry by recording its exact opposite; the original stays."""
    return EntryOut.of(service.reverse(ctx, entry_id, body.reason))
