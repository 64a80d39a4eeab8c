"""The board pack: the year's synergy statement as a printable document.

Its figures are those of the web pages, from the same service calls with the same settings
(the report, the overview's forecast, the payback, the functions); each part is read with
the reader's own rights, so a partner's confidential figures appear only for those allowed
to read them. The pack names the audit head it was built from: the same store and year
give the same document, byte for byte, apart from the generation time it carries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from synergies.domain.allocation import AllocationMethod
from synergies.domain.calendar import Month
from synergies.domain.counting import counted
from synergies.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from synergies.domain.initiative_status import InitiativeStatus
from synergies.domain.initiatives import Initiative
from synergies.domain.ledger import EntryFilter
from synergies.forecasting import alliance_payback
from synergies.forecasting import payback as initiative_payback
from synergies.reports.boardpack import figures as pack
from synergies.reports.burn_up import burn_up
from synergies.reports.synergy_report import KEYS, Breakdown
from synergies.schemas.forecast import ForecastOut, PaybackReportOut
from synergies.schemas.reports import BreakdownOut, PositionOut, ReportOut, YearOut
from synergies.schemas.structure import FunctionOut
from synergies.services import (
    audit_trail,
    forecasts,
    initiative_status,
    initiatives,
    ledger,
    measurement,
    reports,
    structure,
)
from synergies.services.context import Context
from synergies.services.engine_inputs import to_eur
from synergies.services.exports import partners_text
from synergies.services.security import Action

__all__ = ["Format", "Paper", "Rendered", "board_pack", "format_of", "render", "write"]

# The day the pack states each initiative's status: 31 March after the year, when the board
# signs the year's statement (the 2015 figures were published in March 2016). By then the
# year's ledger is closed (the status reads it to the month before the day) and the
# controllers' sign-offs of the close are in; `alerts --on` that day says the same.
SIGN_OFF = (3, 31)
ATTEMPTS = 3  # builds tried while writers keep moving the audit head
PAYBACK_LISTED = 12  # initiatives the payback table lists, largest one-off costs first


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


class Format(StrEnum):
    pdf = "pdf"
    html = "html"


def board_pack(ctx: Context, year: int) -> pack.BoardPack:
    """The figures of `year`'s pack, and the audit head they were read at: built again if
    the head moved while they were read, so the figures are those of that head."""
    ctx.allow(Action.read)
    for _ in range(ATTEMPTS):
        before = audit_trail.checkpoint(ctx)
        built = _build(ctx, year)
        after = audit_trail.checkpoint(ctx)
        if after.seq == before.seq:
            head = pack.AuditHead(after.seq, after.hash, after.text(), after.at)
            return replace(built, audit=head)
    raise Conflict(
        "the store kept changing while the board pack was built", field="year",
        fix="build it again when no one is writing",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rendered:
    document: bytes
    format: Format
    paper: Paper
    pages: int | None  # None for HTML, which a browser paginates
    audit: pack.AuditHead


def render(ctx: Context, year: int, fmt: Format, paper: Paper = Paper.a4) -> Rendered:
    """The pack as PDF or HTML bytes."""
    from synergies.reports.boardpack import render as renderer

    figures = board_pack(ctx, year)
    if fmt is Format.html:
        return Rendered(renderer.html(figures, paper.value).encode(), fmt, paper, None,
                        figures.audit)  # fmt: skip
    document, pages = renderer.pdf(figures, paper.value)
    return Rendered(document, fmt, paper, pages, figures.audit)


def write(ctx: Context, year: int, out: Path, paper: Paper = Paper.a4) -> Rendered:
    """Write the pack to `out`; its suffix (.pdf or .html) names the format."""
    rendered = render(ctx, year, format_of(out), paper)
    out.write_bytes(rendered.document)
    return rendered


def format_of(out: Path) -> Format:
    """The format a file's suffix names; refused, saying how to name it, if neither."""
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in {f.value for f in Format}:
        raise InvalidInput(
            f"cannot write a board pack as {out.suffix or 'a file without a suffix'}",
            field="out", fix="name the file .pdf or .html",
        )  # fmt: skip
    return Format(suffix)


NO_HEAD = pack.AuditHead(0, "", "", datetime(1970, 1, 1, tzinfo=UTC))


def _build(ctx: Context, year: int) -> pack.BoardPack:
    """Every figure of the pack, each from the service a page reads it from."""
    report = ReportOut.of(reports.synergy_report(ctx, year=year))
    focus = next(y for y in report.years if y.year == year)
    position = _next_open(report.positions)
    forecast = _forecast(ctx, year, position)
    outlook = next((t for t in forecast.targets if position and t.year == position.target_year),
                   None) if forecast else None  # fmt: skip
    fx = structure.fx_table(ctx)
    entries = [
        (e, e.amount.amount if e.amount.currency == "EUR"
         else fx.convert_realized(e.amount, "EUR", e.period).result.amount)
        for e in counted(ledger.entries(ctx, EntryFilter(year=year))) if e.is_synergy
    ]  # fmt: skip
    everyone = initiatives.list_initiatives(ctx)
    signed = pack.signoffs_of(everyone)

    def lines(by: Breakdown) -> tuple[pack.Line, ...]:
        shown = report if by is Breakdown.function else _breakdown(ctx, year, by)
        return pack.lines(shown.breakdown, entries, KEYS[by], signed)

    functions, executives = _functions(ctx, year)
    payback, plans = _payback(ctx)
    readable = _readable_partners(ctx)
    return pack.BoardPack(
        alliance=structure.alliance_name(ctx) or "The alliance", year=year, report=report,
        focus=focus, total=pack.verification(entries, signed),
        by_function=lines(Breakdown.function), by_partner=lines(Breakdown.partner),
        by_category=lines(Breakdown.category), position=position, outlook=outlook,
        forecast=forecast,
        burn_up=burn_up(report, forecast, position.target_year if position else None),
        bridge=tuple(report.bridge), bridge_start=_year(report, year - 1),
        payback=payback, payback_plans=plans, functions=functions, executives=executives,
        at_risk=_at_risk(ctx, everyone, status_day(ctx, year)), status_on=status_day(ctx, year),
        reconciled=_reconciled(ctx, year),
        confidential=tuple(_weights(ctx, everyone, readable)),
        measured=tuple(_measured(ctx, year, readable)),
        confidential_partners=readable, audit=NO_HEAD, reader=ctx.actor.name,
        function_targets=_function_targets(ctx, position),
    )  # fmt: skip


def _reconciled(ctx: Context, year: int) -> tuple[BreakdownOut, ...]:
    """The year's initiatives a measurement stands for, at least in part."""
    by_initiative = _breakdown(ctx, year, Breakdown.initiative).breakdown
    return tuple(
        b
        for b in by_initiative
        if b.reconciled.measured.amount or b.reconciled.declared_confirmed.amount
    )


def _breakdown(ctx: Context, year: int, by: Breakdown) -> ReportOut:
    return ReportOut.of(reports.synergy_report(ctx, year=year, by=by))


def _year(report: ReportOut, year: int) -> YearOut | None:
    return next((y for y in report.years if y.year == year), None)


def _next_open(ahead: list[PositionOut]) -> PositionOut | None:
    """The overview's headline target: the next one not yet met, else the next one."""
    return next((p for p in ahead if p.gap.amount > 0), ahead[0] if ahead else None)


def _forecast(ctx: Context, year: int, position: PositionOut | None) -> ForecastOut | None:
    """The overview's forecast: from the end of the pack's year to the headline target's
    (none when there is no target ahead, or the forecast cannot start from that year)."""
    if position is None:
        return None
    try:
        outcome = forecasts.run_forecast(ctx, target_year=position.target_year, as_of=year)
    except (InvalidInput, NotFound, Conflict):
        return None
    return ForecastOut.of(outcome)


def _payback(ctx: Context) -> tuple[PaybackReportOut | None, int]:
    """The payback service's figures for the alliance (every plan pooled) and for the
    initiatives with the largest one-off costs, the ones the pack lists; and how many plans
    were pooled. Only those are paid back one by one: at 2,000 plans the rest cost seconds."""
    try:
        items = forecasts.plan_items(ctx)
        until = forecasts.PAYBACK_UNTIL
        largest = sorted(items, key=lambda i: (-i.one_off_cost, i.id))[:PAYBACK_LISTED]
        outcome = forecasts.PaybackOutcome(
            until, tuple(initiative_payback(i, until) for i in largest),
            alliance_payback(items, until),
        )  # fmt: skip
    except (NotFound, InvalidInput):  # no plan yet, or none started by the horizon
        return None, 0
    return PaybackReportOut.of(outcome), len(items)


def _functions(ctx: Context, year: int) -> tuple[tuple[FunctionOut, ...], dict[str, str]]:
    """The functions as the convergence page lists them, furthest converged first, each at
    its stage at the end of the pack's year (not today: the pack must not change with the
    day it is printed)."""
    year_end = date(year, 12, 31)
    shown = [FunctionOut.of(f, year_end) for f in structure.functions(ctx).values()]
    order = {"converged": 0, "converging": 1, "under study": 2, "independent": 3}
    shown.sort(key=lambda f: (order.get(f.stage_today.value, 9), f.code))
    people = structure.org(ctx).people
    names = {f.executive: people[f.executive].name for f in shown if f.executive in people}
    return tuple(shown), names


def _function_targets(ctx: Context, position: PositionOut | None) -> dict[str, Decimal]:
    """Each function's own target for the headline target's year, in EUR."""
    if position is None:
        return {}
    fx = structure.fx_table(ctx)
    return {
        t.function: to_eur(fx, t.amount, Month(t.year, 12))
        for t in structure.targets(ctx)
        if t.function is not None and t.year == position.target_year
    }


def status_day(ctx: Context, year: int) -> date:
    """The day the pack of `year` states the initiatives' status on (no later than today)."""
    return min(date(year + 1, *SIGN_OFF), ctx.clock().date())


def _at_risk(ctx: Context, everyone: list[Initiative], on: date) -> tuple[pack.AtRisk, ...]:
    board = initiative_status.statuses(ctx, on)
    known = {i.id: i for i in everyone}
    return tuple(
        _flagged(ctx, known[s.initiative_id], s) for s in board.at_risk if s.initiative_id in known
    )


def _flagged(ctx: Context, i: Initiative, s: InitiativeStatus) -> pack.AtRisk:
    plan = i.locked_plan or i.forecast
    return pack.AtRisk(
        i.id, i.name, i.function, i.stage.value, "; ".join(s.reasons),
        plan.run_rate.amount if plan else None, plan.run_rate.currency if plan else None,
        partners_text(ctx, i), s.on, s.realized.to_date, s.planned_to_date,
    )  # fmt: skip


def _readable_partners(ctx: Context) -> tuple[str, ...]:
    """The partners whose confidential data this reader may read."""
    readable = []
    for code in sorted(structure.partners(ctx)):
        try:
            ctx.allow(Action.read_confidential, partner=code)
        except PermissionDenied:
            continue
        readable.append(code)
    return tuple(readable)


def _weights(
    ctx: Context, everyone: list[Initiative], readable: tuple[str, ...]
) -> list[pack.ConfidentialWeight]:
    """Cost bases of cost-base splits, through the service that guards them, for the
    partners this reader may read: another partner's never reaches the pack."""
    found = []
    for i in everyone:
        if i.allocation.method is not AllocationMethod.cost_base:
            continue
        for partner in i.partners():
            if partner in readable:
                weight = initiatives.allocation_weight(ctx, i.id, partner)
                found.append(pack.ConfidentialWeight(i.id, partner, weight))
    return found


def _measured(ctx: Context, year: int, readable: tuple[str, ...]) -> list[pack.MeasuredDetail]:
    """Each measurement run's line-level findings in `year`, read through the service that
    keeps them to their partner, for the partners this reader may read."""
    found = []
    for run in measurement.runs(ctx):
        for partner in readable:
            detail = measurement.run_detail(ctx, run.id, partner)
            line = pack.measured_detail(run.id, partner, run.reporting_currency, detail, year)
            if line is not None:
                found.append(line)
    return found
