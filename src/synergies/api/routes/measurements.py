"""Measurement runs: lineage for everyone, line-level detail only for the owning partner."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from synergies.api.deps import CodePath, ContextDep, PagingDep
from synergies.api.pages import Page, cut
from synergies.api.problems import READ_ERRORS, WRITE_ERRORS
from synergies.api.sources import resolve_source
from synergies.schemas.measurements import PostIn, PostOut, RunOut
from synergies.services import measurement

router = APIRouter(prefix="/measurements", tags=["measurements"], responses=READ_ERRORS)
RunPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("")
def list_runs(ctx: ContextDep, paging: PagingDep) -> Page[RunOut]:
    """Every measurement run posted to the ledger, oldest first."""
    items, total = cut(measurement.runs(ctx), paging)
    return Page(
        items=[RunOut.of(r) for r in items], total=total, limit=paging.limit,
        offset=paging.offset,
    )  # fmt: skip


@router.get("/{run_id}")
def get_run(ctx: ContextDep, run_id: RunPath) -> RunOut:
    """One run and its lineage: source fingerprint, method, query, aggregate figures."""
    return RunOut.of(measurement.run(ctx, run_id))


@router.get("/{run_id}/detail/{partner}")
def run_detail(ctx: ContextDep, run_id: RunPath, partner: CodePath) -> dict[str, Any]:
    """Line-level detail of a partner's lines (prices): its controllers and the clean team."""
    return measurement.run_detail(ctx, run_id, partner)


@router.post("", responses=WRITE_ERRORS)
def post_source(ctx: ContextDep, body: PostIn, request: Request) -> PostOut:
    """Measure a source in the server's sources folder and post what changed to the ledger.

    Needs the right to record for every partner and function, checked before any file is
    read. Content posted before, from any folder, adds nothing."""
    measurement.authorize_posting(ctx)
    root = request.app.state.sources
    folder = resolve_source(root, body.source)
    outcome = measurement.post_source(
        ctx, folder, label=folder.relative_to(root.resolve()).as_posix(),
        reporting_currency=body.reporting_currency, date_from=body.date_from,
        date_to=body.date_to,
    )  # fmt: skip
    return PostOut.of(outcome)
