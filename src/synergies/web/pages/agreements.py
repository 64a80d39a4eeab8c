"""The agreements page: each agreement's clauses over time, and a scope check.

The timeline shows, for each activity an agreement names, what the scope check answers from
each clause's start to the next one's: the same service as `GET /agreements/{code}/scope`,
asked on the days the answer can change, so the picture and the check cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from synergies.api.problems import STATUSES
from synergies.domain.agreements import Agreement, ScopeClause, activity_key
from synergies.domain.calendar import parse_date
from synergies.domain.errors import InvalidInput, NotFound
from synergies.schemas.structure import AgreementOut, ScopeOut
from synergies.services import structure
from synergies.services.context import Context
from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)
DAY = timedelta(days=1)
FIELDS = {"agreement": "Agreement with", "activity": "Area or activity", "on": "On"}
Text = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` to `end` (inclusive) the scope check gives `answer`."""

    start: date
    end: date
    answer: ScopeOut


@dataclass(frozen=True, slots=True)
class ScopeCheck:
    """The form as filled in, and the answer or the refusal beside its field."""

    values: dict[str, str]
    answer: ScopeOut | None = None
    field: str | None = None
    message: str = ""
    fix: str = ""
    status: int = 200


def _changes(clauses: list[ScopeClause]) -> list[date]:
    """The days the answer about these clauses' activity can change."""
    days = {c.effective_from for c in clauses}
    days |= {c.effective_to + DAY for c in clauses if c.effective_to}
    return sorted(days)


def _periods(ctx: Context, agreement: Agreement, today: date) -> dict[str, list[Period]]:
    """Each activity's answers over time, keyed by the activity as its first clause names it."""
    by_activity: dict[str, list[ScopeClause]] = defaultdict(list)
    for clause in agreement.all_clauses():
        by_activity[activity_key(clause.activity)].append(clause)
    found: dict[str, list[Period]] = {}
    for clauses in by_activity.values():
        activity = clauses[0].activity
        days = _changes(clauses)
        ends = [d - DAY for d in days[1:]] + [max(today, days[-1])]
        found[activity] = [
            Period(start, end, ScopeOut.of(structure.check_scope(ctx, agreement.code, activity, start)))
            for start, end in zip(days, ends, strict=True)
        ]  # fmt: skip
    return found


def _timeline(periods: dict[str, dict[str, list[Period]]], today: date) -> dict[str, Any]:
    """What the chart draws: a row per agreement and activity, a bar per period."""
    rows: list[str] = []
    bars: list[dict[str, Any]] = []
    for code, activities in periods.items():
        for activity, spans in activities.items():
            for p in spans:
                a = p.answer
                bars.append({
                    "row": len(rows), "start": p.start.isoformat(), "end": p.end.isoformat(),
                    "series": "inside" if a.inside else ("outside" if a.clause else "no clause"),
                    "detail": f"{code}, {activity}, {p.start.isoformat()} to "
                              f"{p.end.isoformat()}: {'inside' if a.inside else 'outside'}, {a.reason}",
                })  # fmt: skip
            rows.append(f"{code} · {activity}")
    first = min((str(b["start"]) for b in bars), default=today.isoformat())
    return {"rows": rows, "bars": bars, "today": today.isoformat(), "from": first}


def _check(ctx: Context, values: dict[str, str]) -> ScopeCheck:
    try:
        on = parse_date(values["on"], field="on")
        answer = ScopeOut.of(
            structure.check_scope(ctx, values["agreement"], values["activity"], on)
        )
    except (InvalidInput, NotFound) as error:
        name = (error.field or "").lower()
        status = next(code for kind, code in STATUSES.items() if isinstance(error, kind))
        return ScopeCheck(
            values, field=name if name in FIELDS else None, message=error.message,
            fix=error.fix or "", status=status,
        )  # fmt: skip
    return ScopeCheck(values, answer)


def _links(check: ScopeCheck | None) -> tuple[tuple[str, str], ...]:
    links: tuple[tuple[str, str], ...] = (("Agreements", "/agreements"),)
    if check and check.answer:
        a = check.answer
        query = urlencode({"activity": a.activity, "on": a.on.isoformat()})
        links += (("This scope check", f"/agreements/{quote(a.agreement)}/scope?{query}"),)
    return links


@router.get("/web/agreements")
def agreements(
    request: Request, viewer: ViewerDep, agreement: Text = None, activity: Text = None,
    on: Text = None,
) -> HTMLResponse:  # fmt: skip
    """Every agreement's clauses and scope over time; `agreement`, `activity`, `on`: a check."""
    ctx = viewer.ctx
    today = ctx.clock().date()
    found = structure.agreements(ctx)
    periods = {code: _periods(ctx, a, today) for code, a in found.items()}
    check = None
    if agreement is not None:
        values = {
            "agreement": agreement.strip(),
            "activity": activity or "",
            "on": (on or "").strip(),
        }
        check = _check(ctx, values)
    values = check.values if check else {"agreement": next(iter(found), ""), "activity": "",
                                         "on": today.isoformat()}  # fmt: skip
    activities = sorted({n for a in found.values() for c in a.all_clauses()
                         for n in (c.activity, *c.aliases)})  # fmt: skip
    return render(
        request, "agreements.html", viewer, status=check.status if check else 200,
        title="Agreements", agreements=[AgreementOut.of(a) for a in found.values()],
        periods=periods, timeline=_timeline(periods, today), check=check, values=values,
        labels=FIELDS, activities=activities, today=today, json_links=_links(check),
    )  # fmt: skip
