"""The ledger and measurement pages: entries with where they came from, and each measurement
run's lineage, with a partner's confidential line detail only for those the service gives it.

The figures are the API's: a ledger page is `services.ledger.entry_page` (sorted, cut and
summed in SQL) with the filters of `GET /ledger`; runs are `GET /measurements`' models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from synergies.api.deps import Paging, PagingDep
from synergies.api.pages import cut, sort_pattern
from synergies.domain.errors import InvalidInput, PermissionDenied
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource
from synergies.schemas.common import MoneyOut, parsed
from synergies.schemas.ledger import EntryOut, LedgerFilter
from synergies.schemas.measurements import RunOut
from synergies.services import ledger, measurement, structure
from synergies.services.ledger import EntryPage
from synergies.web.session import Viewer, ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

LEDGER = "/web/ledger"
RUNS = "/web/measurements"
SORTS = {
    "-id": "newest first", "id": "oldest first", "-period": "latest month first",
    "period": "earliest month first", "-amount": "largest amount first",
    "amount": "smallest amount first", "partner": "partner",
}  # fmt: skip
PER_PAGE = (20, 50, 100, 200)
FILTERS = ("initiative", "partner", "function", "source", "year", "category")
Text = Annotated[str, Query(max_length=60)]
Sort = Annotated[str, Query(pattern=sort_pattern([k.lstrip("-") for k in SORTS]))]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


# --- the ledger ---


@dataclass(frozen=True, slots=True)
class Row:
    entry: EntryOut
    reversed_by: int | None  # the reversal, when it is on the same page


@dataclass(frozen=True, slots=True)
class Totals:
    entries: int
    synergies: list[MoneyOut]
    one_off_costs: list[MoneyOut]

    @classmethod
    def of(cls, page: EntryPage) -> Totals:
        return cls(
            page.total, [MoneyOut.of(m) for m in page.totals],
            [MoneyOut.of(m) for m in page.one_off_costs],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Pager:
    """Where this page of a list starts and ends, and the links to its neighbours."""

    first: int
    last: int
    total: int
    previous: str | None
    next: str | None

    @classmethod
    def of(cls, path: str, query: dict[str, str], paging: Paging, total: int) -> Pager:
        def href(offset: int) -> str:
            return f"{path}?{urlencode({**query, 'limit': paging.limit, 'offset': offset})}"

        start, limit = paging.offset, paging.limit
        return cls(
            first=min(start + 1, total), last=min(start + limit, total), total=total,
            previous=href(max(start - limit, 0)) if start > 0 else None,
            next=href(start + limit) if start + limit < total else None,
        )  # fmt: skip


def _rows(page: EntryPage) -> list[Row]:
    entries = [EntryOut.of(e) for e in page.entries]
    undone = {e.reverses: e.id for e in entries if e.reverses is not None}
    return [Row(e, undone.get(e.id or 0)) for e in entries]


def _options(viewer: Viewer) -> dict[str, Any]:
    """What the filter form offers: the alliance's partners and functions, the sources,
    the sort orders."""
    ctx = viewer.ctx
    return {
        "partners": structure.partners(ctx), "functions": structure.functions(ctx),
        "sources": list(EntrySource), "sorts": SORTS, "categories": list(Category),
        "years": ledger.years(ctx),
    }  # fmt: skip


@router.get(LEDGER)
def ledger_page(
    request: Request, viewer: ViewerDep, paging: PagingDep, initiative: Text = "",
    partner: Text = "", function: Text = "", source: Text = "", year: Text = "",
    category: Text = "", sort: Sort = "-id",
) -> HTMLResponse:  # fmt: skip
    """Ledger entries filtered as `GET /ledger` filters them, sorted, paged, with the totals
    of every entry the filter selects (not only this page's)."""
    values = (initiative, partner, function, source, year, category)
    chosen = {k: v.strip() for k, v in zip(FILTERS, values, strict=True)}
    given = {k: v for k, v in chosen.items() if v}
    query = {**given, "sort": sort}
    common = {
        "title": "Ledger", "values": chosen, "sort": sort, "limit": paging.limit,
        "limits": sorted({*PER_PAGE, paging.limit}), **_options(viewer),
        "export": f"/ledger/export?{urlencode(given)}",
        "json_links": (("These entries", f"/ledger?{urlencode({**query, 'limit': paging.limit, 'offset': paging.offset})}"),),
    }  # fmt: skip
    try:
        where = parsed(LedgerFilter, given).to_domain()
        page = ledger.entry_page(
            viewer.ctx, where, sort=sort, limit=paging.limit, offset=paging.offset
        )
    except InvalidInput as error:
        return render(request, "ledger.html", viewer, status=422, error=error, rows=[],
                      totals=None, pager=None, **common)  # fmt: skip
    return render(
        request, "ledger.html", viewer, error=None, rows=_rows(page), totals=Totals.of(page),
        pager=Pager.of(LEDGER, query, paging, page.total), **common,
    )  # fmt: skip


@router.get(f"{LEDGER}/{{entry_id}}")
def entry_page(request: Request, viewer: ViewerDep, entry_id: IdPath) -> HTMLResponse:
    """One entry, and the entry it reverses if it is a reversal."""
    entry = EntryOut.of(ledger.entry(viewer.ctx, entry_id))
    original = EntryOut.of(ledger.entry(viewer.ctx, entry.reverses)) if entry.reverses else None
    return render(
        request, "ledger.html", viewer, title=f"Ledger entry {entry_id}", entry=entry,
        original=original, json_links=(("This entry", f"/ledger/{entry_id}"),),
    )  # fmt: skip


# --- measurement runs ---


@router.get(RUNS)
def runs_page(request: Request, viewer: ViewerDep, paging: PagingDep) -> HTMLResponse:
    """Every measurement run posted to the ledger, oldest first, as `GET /measurements`."""
    items, total = cut(measurement.runs(viewer.ctx), paging)
    return render(
        request, "measurements.html", viewer, title="Measurements",
        runs=[RunOut.of(r) for r in items], summaries=[decimals(r.summary) for r in items],
        pager=Pager.of(RUNS, {}, paging, total),
        json_links=(("Runs", f"/measurements?limit={paging.limit}&offset={paging.offset}"),),
    )  # fmt: skip


AMOUNT_KEYS = frozenset({"net", "gross_gain", "gross_loss", "cost_avoidance", "amount"})


def decimals(document: Any) -> Any:
    """A run's JSON with its amounts (exact decimal strings) as Decimals, for the page's
    number formats; every other value as it was."""
    if isinstance(document, dict):
        return {
            k: Decimal(v) if k in AMOUNT_KEYS and isinstance(v, str) else decimals(v)
            for k, v in document.items()
        }
    if isinstance(document, list):
        return [decimals(v) for v in document]
    return document


@dataclass(frozen=True, slots=True)
class PartnerDetail:
    """A partner's line detail in a run, or None where the viewer may not read it."""

    partner: str
    name: str
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SourceFile:
    table: str
    rows: int | None
    path: str | None
    size: int | None
    sha256: str | None


def _details(viewer: Viewer, run: RunOut) -> list[PartnerDetail]:
    """Each partner with lines in the run, and its detail if the service gives it to this
    viewer (its controllers, the clean team, an admin): nothing of it otherwise."""
    names = {code: p.name for code, p in structure.partners(viewer.ctx).items()}
    codes = sorted({row["partner"] for row in run.summary.get("by_partner", [])})
    found = []
    for code in codes:
        try:
            detail: dict[str, Any] | None = decimals(
                measurement.run_detail(viewer.ctx, run.id, code)
            )
        except PermissionDenied:
            detail = None
        found.append(PartnerDetail(code, names.get(code, code), detail))
    return found


def _files(run: RunOut) -> list[SourceFile]:
    """The tables read, one line per file (a database table has none)."""
    found: list[SourceFile] = []
    for table, entry in sorted(run.fingerprint.get("tables", {}).items()):
        files = entry.get("files") or [{}]
        found.extend(
            SourceFile(table, entry.get("rows"), f.get("path"), f.get("bytes"), f.get("sha256"))
            for f in files
        )
    return found


def _queries(run: RunOut) -> dict[str, str]:
    try:
        found = json.loads(run.query) if run.query else {}
    except ValueError:
        return {"query": run.query}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _monthly(run: RunOut) -> dict[str, Any]:
    """What the chart draws: the public savings and cost avoidance by month."""
    months = run.summary.get("by_month", [])
    return {
        "currency": run.reporting_currency,
        "months": [m["month"] for m in months],
        "hard": [m["hard_savings"]["net"] for m in months],
        "avoidance": [m["cost_avoidance"] for m in months],
    }


@router.get(f"{RUNS}/{{run_id}}")
def run_page(request: Request, viewer: ViewerDep, run_id: IdPath) -> HTMLResponse:
    """A run's lineage (files, hashes, method, query) and public figures for anyone signed
    in; each partner's double claims, leakage and unmeasurable lines for those allowed."""
    run = RunOut.of(measurement.run(viewer.ctx, run_id))
    details = _details(viewer, run)
    links = [("This run", f"/measurements/{run_id}")] + [
        (f"{d.partner}'s line detail", f"/measurements/{run_id}/detail/{d.partner}")
        for d in details
        if d.detail is not None
    ]
    return render(
        request, "measurement.html", viewer, title=f"Measurement run {run_id}", run=run,
        summary=decimals(run.summary),
        details=details, files=_files(run), queries=_queries(run), monthly=_monthly(run),
        json_links=tuple(links),
    )  # fmt: skip
