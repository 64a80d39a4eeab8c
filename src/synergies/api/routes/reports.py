"""Reports: realized synergies against targets. Aggregates only, never prices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS
from synergies.reports.synergy_report import Breakdown
from synergies.schemas.common import Currency
from synergies.schemas.reports import ReportOut
from synergies.services import reports as service

router = APIRouter(prefix="/reports", tags=["reports"], responses=READ_ERRORS)


@router.get("/synergies")
def synergy_report(
    ctx: ContextDep,
    year: Annotated[int | None, Query(ge=1900, le=2199, description="Breakdown year.")] = None,
    by: Breakdown = Breakdown.function,
    currency: Annotated[Currency, Query()] = "EUR",
    fiscal_year_of: Annotated[
        str | None,
        Query(max_length=20, pattern=r"^[A-Za-z0-9_]*$", description="Years of this partner."),
    ] = None,
) -> ReportOut:
    """Realized vs target by year, broken down by function, partner, category or initiative."""
    report = service.synergy_report(
        ctx, year=year, by=by, currency=currency, fiscal_year_of=fiscal_year_of or None
    )
    return ReportOut.of(report)
