"""The organisation page: the reporting graph (joint lines as such), searchable by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from synergies.domain.errors import NotFound
from synergies.domain.org import OrgChart
from synergies.schemas.structure import PersonDetail, PersonIO, ReportingLineIO
from synergies.services import structure
from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Search:
    """What the viewer searched for, whom it found (the API's person documents) and, when
    no one matches, the hint the org chart gives."""

    query: str
    found: list[PersonDetail]
    hint: str | None


def detail(chart: OrgChart, person_id: str) -> PersonDetail:
    """A person with their managers and reports, as `GET /org/people/{id}` gives it."""
    return PersonDetail(
        person=PersonIO.of(chart.person(person_id)),
        managers=[ReportingLineIO.of(ln) for ln in chart.managers(person_id)],
        reports=[ReportingLineIO.of(ln) for ln in chart.reports(person_id)],
    )


def _search(chart: OrgChart, query: str) -> Search | None:
    if not query.strip():
        return None
    found = chart.matching(query)
    if found:
        return Search(query, [detail(chart, p.id) for p in found], None)
    try:
        chart.find(query)
    except NotFound as error:  # no one matches: the chart says whom the query looks like
        return Search(query, [], f"{error.message}: {error.fix}" if error.fix else error.message)
    return None  # pragma: no cover - matching() and find() agree


def _links(search: Search | None) -> tuple[tuple[str, str], ...]:
    links: tuple[tuple[str, str], ...] = (
        ("People", "/org/people"),
        ("Reporting lines", "/org/lines"),
    )
    if search:
        links += tuple(
            (d.person.name, f"/org/people/{quote(d.person.id)}") for d in search.found[:3]
        )
    return links


@router.get("/web/organisation")
def organisation(
    request: Request, viewer: ViewerDep, q: Annotated[str, Query(max_length=100)] = ""
) -> HTMLResponse:
    """The org chart as a graph and a table; `q` (part of a name or an id) marks people."""
    chart = structure.org(viewer.ctx)
    people = sorted(chart.people.values(), key=lambda p: (p.company, p.name))
    lines = [ReportingLineIO.of(ln) for pid in chart.people for ln in chart.managers(pid)]
    search = _search(chart, q)
    found = [d.person.id for d in search.found] if search else []
    graph = {
        "people": [PersonIO.of(p).model_dump(mode="json") for p in people],
        "lines": [ln.model_dump(mode="json") for ln in lines],
        "found": found,
    }
    return render(
        request, "organisation.html", viewer, title="Organisation", query=q, search=search,
        rows=[detail(chart, p.id) for p in people], names={p.id: p.name for p in people},
        joint=set(chart.joint_reporters()), found=set(found), graph=graph,
        json_links=_links(search),
    )  # fmt: skip
