"""People and reporting lines: the org graph (a person may have two managers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.structure import PersonDetail, PersonIO, ReportingLineIO
from synergies.services import structure

router = APIRouter(prefix="/org", tags=["org"], responses=WRITE_ERRORS)
KeyPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


@router.get("/people")
def list_people(ctx: ContextDep) -> list[PersonIO]:
    """Everyone in the org graph."""
    return [PersonIO.of(p) for p in structure.org(ctx).people.values()]


@router.get("/people/{person_id}")
def get_person(ctx: ContextDep, person_id: KeyPath) -> PersonDetail:
    """One person, whom they report to and who reports to them."""
    chart = structure.org(ctx)
    return PersonDetail(
        person=PersonIO.of(chart.person(person_id)),
        managers=[ReportingLineIO.of(ln) for ln in chart.managers(person_id)],
        reports=[ReportingLineIO.of(ln) for ln in chart.reports(person_id)],
    )


@router.get("/lines")
def list_lines(ctx: ContextDep) -> list[ReportingLineIO]:
    """Every reporting line (solid, joint or dotted)."""
    chart = structure.org(ctx)
    return [ReportingLineIO.of(ln) for pid in chart.people for ln in chart.managers(pid)]


@router.post("/people", status_code=201)
def add_person(ctx: ContextDep, body: PersonIO) -> PersonIO:
    """Add a person (alliance admin)."""
    structure.add_person(ctx, body.to_domain())
    return body


@router.post("/lines", status_code=201)
def add_line(ctx: ContextDep, body: ReportingLineIO) -> ReportingLineIO:
    """Add a reporting line; cycles are refused (alliance admin)."""
    structure.add_reporting_line(ctx, body.to_domain())
    return body
