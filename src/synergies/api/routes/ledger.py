"""The savings ledger: list, export, add, reverse. Never edited, never deleted."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from synergies.api.deps import ContextDep, PagingDep
from synergies.api.pages import Page, cut, sort_pattern
from synergies.api.problems import WRITE_ERRORS
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.schemas.common import month
from synergies.schemas.ledger import EntryIn, EntryOut, ReversalIn
from synergies.services import ledger as service
from synergies.services.ledger import EntryFilter

router = APIRouter(prefix="/ledger", tags=["ledger"], responses=WRITE_ERRORS)
EntryPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
SORT_KEYS = {
    "id": lambda e: e.id or 0,
    "period": lambda e: (e.period, e.id or 0),
    "amount": lambda e: (e.amount.currency, e.amount.amount),
    "partner": lambda e: (e.partner, e.id or 0),
}
Filter = Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9_.-]*$")]


def entry_filter(
    initiative: Filter = None, partner: Filter = None, function: Filter = None,
    source: EntrySource | None = None,
) -> EntryFilter:  # fmt: skip
    return EntryFilter(
        initiative.upper() if initiative else None, partner.upper() if partner else None,
        function, source.value if source else None,
    )  # fmt: skip


FilterDep = Annotated[EntryFilter, Depends(entry_filter)]


@router.get("")
def list_entries(
    ctx: ContextDep,
    where: FilterDep,
    paging: PagingDep,
    sort: Annotated[str, Query(pattern=sort_pattern(list(SORT_KEYS)))] = "id",
) -> Page[EntryOut]:
    """Ledger entries, filtered by initiative, partner, function and source; sorted, paged."""
    items, total = cut(service.entries(ctx, where), paging, sort, SORT_KEYS)
    return Page(
        items=[EntryOut.of(e) for e in items], total=total, limit=paging.limit,
        offset=paging.offset,
    )  # fmt: skip


CSV_COLUMNS = (
    "id", "partner", "period", "amount", "currency", "category", "source", "initiative_id",
    "function", "reverses", "author", "reason",
)  # fmt: skip


@router.get("/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_entries(ctx: ContextDep, where: FilterDep) -> Response:
    """The same entries as CSV, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in service.entries(ctx, where):
        writer.writerow([
            e.id, e.partner, e.period, e.amount.amount, e.amount.currency, e.category.value,
            e.source.value, e.initiative_id or "", e.function or "", e.reverses or "",
            e.author, e.reason,
        ])  # fmt: skip
    return Response(out.getvalue(), media_type="text/csv")


@router.get("/{entry_id}")
def get_entry(ctx: ContextDep, entry_id: EntryPath) -> EntryOut:
    """One entry."""
    return EntryOut.of(service.entry(ctx, entry_id))


@router.post("", status_code=201)
def add_entry(ctx: ContextDep, body: EntryIn) -> EntryOut:
    """Record a realized saving (or a one-off cost) entered by you."""
    entry = LedgerEntry(
        partner=body.partner.upper(), period=month(body.period), amount=body.amount.to_domain(),
        category=body.category, source=EntrySource.entered, author=ctx.actor.name,
        recorded_at=ctx.clock(), initiative_id=body.initiative_id.upper()
        if body.initiative_id else None, function=body.function, reason=body.reason,
    )  # fmt: skip
    return EntryOut.of(service.add(ctx, entry))


@router.post("/{entry_id}/reversal", status_code=201)
def reverse_entry(ctx: ContextDep, entry_id: EntryPath, body: ReversalIn) -> EntryOut:
    """Correct an entry by recording its exact opposite; the original stays."""
    return EntryOut.of(service.reverse(ctx, entry_id, body.reason))
