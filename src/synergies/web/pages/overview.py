"""The overview: realized synergies against the targets, the odds of the next one, the bridge.

Every figure is the API's own: the report is `ReportOut` of the report service (as
`/reports/synergies` and `synergies report --format json` give it) and the odds are
`ForecastOut` of the forecast service at the API's default trials, seed and rho (as
`/forecast`). The page only chooses what to ask for and lays the answers out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from synergies.domain.partners import Partner
from synergies.reports.burn_up import burn_up
from synergies.schemas.forecast import ForecastOut, TargetOutlookOut
from synergies.schemas.reports import BridgeStepOut, PositionOut, ReportOut, YearOut
from synergies.services import forecasts, reports, structure
from synergies.services.context import Context
from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

# The same bounds as the API's report route: a bad value is the same 422 there and here.
YearQuery = Annotated[int | None, Query(ge=1900, le=2199)]
CurrencyQuery = Annotated[str, Query(pattern=r"^[A-Za-z]{3}$")]
PartnerQuery = Annotated[str, Query(max_length=20, pattern=r"^[A-Za-z0-9_]*$")]
# Empty means "the next target not yet met": the form's default choice.
TargetQuery = Annotated[str, Query(pattern=r"^([0-9]{4})?$")]


class BurnUpRow(BaseModel):
    """One year of the burn-up, EUR by calendar year: realized, or the forecast's band."""

    year: int
    realized: Decimal | None = None
    p10: Decimal | None = None
    p50: Decimal | None = None
    p90: Decimal | None = None
    target: Decimal | None = None
    probability: Decimal | None = None


class BurnUpChart(BaseModel):
    as_of: int | None
    target_year: int | None
    rows: list[BurnUpRow]


class ByYearChart(BaseModel):
    currency: str
    focus: int | None
    years: list[YearOut]


class BridgeChart(BaseModel):
    """The waterfall: the year before's total, each function's change, the year's total."""

    currency: str
    start: YearOut
    steps: list[BridgeStepOut]
    end: YearOut


class Choice(BaseModel):
    value: str
    label: str


@router.get("/")
def overview(
    request: Request,
    viewer: ViewerDep,
    year: YearQuery = None,
    currency: CurrencyQuery = "EUR",
    fiscal_year_of: PartnerQuery = "",
    target_year: TargetQuery = "",
) -> HTMLResponse:
    ctx = viewer.ctx
    report = ReportOut.of(
        reports.synergy_report(
            ctx, year=year, currency=currency, fiscal_year_of=fiscal_year_of or None
        )
    )
    position, notice = _position(report, int(target_year) if target_year else None)
    # The forecast runs in EUR by calendar year: its burn-up sets it against that report.
    calendar = ReportOut.of(reports.synergy_report(ctx))
    forecast = _forecast(ctx, calendar, report.breakdown_year, position)
    partners = structure.partners(ctx)
    return render(
        request, "overview.html", viewer, title="Overview",
        json_links=_json_links(report, fiscal_year_of, position, forecast),
        report=report, position=position, notice=notice, forecast=forecast,
        outlook=_outlook(forecast, position), focus=_year(report, report.breakdown_year),
        by_year=ByYearChart(currency=report.currency, focus=report.breakdown_year,
                            years=report.years),
        burn_up=_burn_up(calendar, forecast, position), bridge=_bridge(report),
        shares={b.key: b for b in report.breakdown},
        years=_year_choices(report), currencies=_currency_choices(report, partners),
        calendars=_calendar_choices(partners), fiscal_year_of=(fiscal_year_of or "").upper(),
        labels={y.year: y.label for y in report.years},
        targets=[Choice(value=str(p.target_year), label=_label(report, p.target_year))
                 for p in report.positions],
        target_choice=target_year if position and target_year else "",
    )  # fmt: skip


def warm(ctx: Context) -> ForecastOut | None:
    """Compute what the default overview shows (the report and the forecast), so that the
    first reader after start-up does not wait for them: the services keep them until the
    data changes."""
    report = ReportOut.of(reports.synergy_report(ctx))
    position, _ = _position(report, None)
    return _forecast(ctx, report, report.breakdown_year, position)


def _position(report: ReportOut, target_year: int | None) -> tuple[PositionOut | None, str]:
    """The target the headline is about: the one asked for, else the next one not yet met
    (else the next one); and a note when the one asked for is not ahead of the year."""
    ahead = report.positions
    if target_year is not None:
        chosen = next((p for p in ahead if p.target_year == target_year), None)
        if chosen is not None:
            return chosen, ""
        note = f"There is no {target_year} target after {_label(report, report.breakdown_year)}"
        return _next_open(ahead), note + ": showing the next target not yet met."
    return _next_open(ahead), ""


def _next_open(ahead: list[PositionOut]) -> PositionOut | None:
    return next((p for p in ahead if p.gap.amount > 0), ahead[0] if ahead else None)


def _forecast(
    ctx: Context, calendar: ReportOut, focus: int | None, position: PositionOut | None
) -> ForecastOut | None:
    """The forecast from the end of the chosen year to the target's, when that year is a
    realized calendar year (a fiscal year's number names the calendar year it starts in)."""
    realized = {y.year for y in calendar.years if y.realized.amount}
    if position is None or focus not in realized:
        return None
    outcome = forecasts.run_forecast(ctx, target_year=position.target_year, as_of=focus)
    return ForecastOut.of(outcome)


def _outlook(forecast: ForecastOut | None, position: PositionOut | None) -> TargetOutlookOut | None:
    if forecast is None or position is None:
        return None
    return next((t for t in forecast.targets if t.year == position.target_year), None)


def _burn_up(
    calendar: ReportOut, forecast: ForecastOut | None, position: PositionOut | None
) -> BurnUpChart:
    """Realized years up to the target year, then the forecast's band, joined by year."""
    last = position.target_year if position else None
    rows = burn_up(calendar, forecast, last)
    return BurnUpChart(
        as_of=forecast.as_of if forecast else None,
        target_year=position.target_year if position else None,
        rows=[BurnUpRow(**asdict(r)) for r in rows],
    )


def _year(report: ReportOut, year: int | None) -> YearOut | None:
    return next((y for y in report.years if y.year == year), None)


def _label(report: ReportOut, year: int | None) -> str:
    found = _year(report, year)
    return found.label if found else str(year)


def _bridge(report: ReportOut) -> BridgeChart | None:
    """The waterfall's ends come from the years' lines, as `synergies report` prints it."""
    if report.breakdown_year is None or not report.bridge:
        return None
    start = _year(report, report.breakdown_year - 1)
    end = _year(report, report.breakdown_year)
    if start is None or end is None:
        return None
    return BridgeChart(currency=report.currency, start=start, steps=report.bridge, end=end)


def _year_choices(report: ReportOut) -> list[Choice]:
    return [Choice(value=str(y.year), label=y.label) for y in report.years if y.realized.amount]


def _currency_choices(report: ReportOut, partners: dict[str, Partner]) -> list[Choice]:
    """EUR and the partners' home currencies: the currencies the alliance reports in."""
    codes = sorted({"EUR", report.currency} | {p.home_currency for p in partners.values()})
    return [Choice(value=c, label=c) for c in codes]


def _calendar_choices(partners: dict[str, Partner]) -> list[Choice]:
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
    choices = [Choice(value="", label="Calendar year (January–December)")]
    for p in sorted(partners.values(), key=lambda p: p.code):
        start = p.fiscal_calendar.start_month
        span = f"{months[start - 1]}–{months[start - 2]}"
        choices.append(Choice(value=p.code, label=f"Fiscal year of {p.code} ({span})"))
    return choices


def _json_links(
    report: ReportOut, fiscal_year_of: str, position: PositionOut | None,
    forecast: ForecastOut | None,
) -> tuple[tuple[str, str], ...]:  # fmt: skip
    """The API routes that answer this page's figures, with the same parameters."""
    asked = {"year": report.breakdown_year, "currency": report.currency,
             "fiscal_year_of": fiscal_year_of.upper() or None}  # fmt: skip
    links = [("report", "/reports/synergies?" + _query(asked))]
    if fiscal_year_of or report.currency != "EUR":
        links.append(("report in EUR by calendar year", "/reports/synergies"))
    if forecast is not None and position is not None:
        fore = {"target_year": position.target_year, "as_of": forecast.as_of}
        links.append(("forecast", "/forecast?" + _query(fore)))
    return tuple(links)


def _query(values: Mapping[str, object]) -> str:
    return urlencode({k: v for k, v in values.items() if v is not None})
