"""The synergy report: realized by year against the targets, the gap, and a breakdown."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, print_csv, print_json, table
from synergies.domain.money import Money
from synergies.domain.percent import percent
from synergies.reports.synergy_report import Breakdown, Reconciled, SynergyReport
from synergies.services.reports import synergy_report

BAR_WIDTH = 48


def millions(money: Money | None) -> str:
    if money is None:
        return ""
    return f"{money.amount / 1_000_000:,.1f} m"


def burn_up(report: SynergyReport) -> Table:
    """Bars of realized synergies per year, with each year's target marked."""
    top = max([y.realized.amount for y in report.years] +
              [y.target.amount for y in report.years if y.target] + [Decimal(1)])  # fmt: skip
    grid = Table(title=f"Burn-up to target ({report.currency}, {report.calendar})", box=None)
    grid.add_column("year")
    grid.add_column("realized  ▏= target", no_wrap=True)
    grid.add_column("", justify="right")
    for y in report.years:
        filled = int(y.realized.amount / top * BAR_WIDTH)
        bar = Text("█" * filled, style="green" if y.realized.amount else "grey50")
        bar.append(" " * (BAR_WIDTH - filled))
        if y.target:
            mark = int(y.target.amount / top * BAR_WIDTH)
            bar = bar[:mark] + Text("▏", style="bold red") + bar[mark + 1 :]
        label = millions(y.realized) if y.realized.amount else f"target {millions(y.target)}"
        grid.add_row(y.label, bar, label)
    return grid


def bridge(report: SynergyReport) -> Table | None:
    """A waterfall from the year before to the report's year, one bar per breakdown key."""
    if not report.bridge or report.breakdown_year is None:
        return None
    year = report.breakdown_year
    start = next((y.realized for y in report.years if y.year == year - 1), None)
    end = next((y.realized for y in report.years if y.year == year), None)
    if start is None or end is None:
        return None
    steps = [(f"{year - 1}", start.amount, start.amount)]
    level = start.amount
    for step in report.bridge:
        steps.append((step.key, level, level + step.change.amount))
        level += step.change.amount
    steps.append((f"{year}", end.amount, end.amount))
    levels = [v for _, a, b in steps for v in (a, b)]
    # A truncated axis, so the changes are visible beside the totals (as in a printed bridge).
    floor = max(Decimal(0), min(levels) - (max(levels) - min(levels)))
    top = (max(levels) - floor) or Decimal(1)
    grid = Table(title=f"Savings bridge {year - 1} → {year} by {report.breakdown_by.value} "
                 f"({report.currency})", box=None)  # fmt: skip
    grid.add_column(report.breakdown_by.value)
    grid.add_column("", no_wrap=True)
    grid.add_column("", justify="right")
    for key, low, high in steps:
        grid.add_row(key, _waterfall_bar(low - floor, high - floor, top), _bridge_label(low, high))
    grid.caption = f"axis starts at {millions(Money(floor, report.currency))}"
    return grid


def _waterfall_bar(low: Decimal, high: Decimal, top: Decimal) -> Text:
    if low == high:  # a total: a solid bar from zero
        width = int(high / top * BAR_WIDTH)
        return Text("█" * width, style="blue")
    a, b = sorted((low, high))
    start, width = int(a / top * BAR_WIDTH), max(1, int((b - a) / top * BAR_WIDTH))
    return Text(" " * start) + Text("█" * width, style="green" if high > low else "red")


def _bridge_label(low: Decimal, high: Decimal) -> str:
    if low == high:
        return f"{high / 1_000_000:,.1f} m"
    sign = "+" if high > low else "-"
    return f"{sign}{abs(high - low) / 1_000_000:,.1f} m"


def _position_lines(report: SynergyReport) -> Text:
    text = Text()
    for p in report.positions:
        growth = f"{percent(p.growth_needed, 1)}% a year" if p.growth_needed is not None else "n/a"
        verdict = (
            "already met" if p.gap.amount <= 0 else f"gap {millions(p.gap)}, growth needed {growth}"
        )
        text.append(
            f"{p.year}: {millions(p.realized)} realized; {p.target_year} target "
            f"{millions(p.target)}: {verdict}\n"
        )
    return text


def _print_table(report: SynergyReport) -> None:
    out = console()
    years = [
        {"year": y.label, "realized": millions(y.realized), "target": millions(y.target),
         "one-off costs": millions(y.one_off_costs),
         "illustrative split": f"{percent(y.illustrative_share, 0)}%"}
        for y in report.years
    ]  # fmt: skip
    out.print(table(years, title=f"Realized synergies by {report.calendar} ({report.currency})"))
    out.print(burn_up(report))
    out.print(_position_lines(report))
    measured = _reconciliation(report)
    if measured is not None:
        out.print(measured)
    shares = [
        {report.breakdown_by.value: b.key, "realized": millions(b.realized),
         "share": f"{percent(b.share, 1)}%",
         **(_reconciled_cells(b.reconciled) if measured is not None else {})}
        for b in report.breakdown
    ]  # fmt: skip
    waterfall = bridge(report)
    if waterfall is not None:
        out.print(waterfall)
    out.print(Group(table(shares, title=f"{report.breakdown_year} by {report.breakdown_by.value}",
                          caption=report.rates_note)))  # fmt: skip


def _reconciliation(report: SynergyReport) -> Table | None:
    """Declared against measured by year, where anything is measured: what counts."""
    lines = [y for y in report.years if y.reconciled.measured.amount]
    if not lines:
        return None
    rows = [{"year": y.label, **_reconciled_cells(y.reconciled)} for y in lines]
    return table(
        rows,
        title=f"Declared and measured ({report.currency}): the measured figure counts",
        caption="declared, measured: declared for the cells measured (kept, not counted); "
        "declared only: counted",
    )


def _reconciled_cells(r: Reconciled) -> dict[str, str]:
    return {
        "measured": millions(r.measured),
        "declared, measured": millions(r.declared_confirmed),
        "difference": _signed(r.difference),
        "declared only": millions(r.declared_only),
    }


def _signed(money: Money) -> str:
    return f"{money.amount / 1_000_000:+,.1f} m"


def report(
    year: Annotated[
        int | None, typer.Option(help="Year to stand in for the gap and the breakdown.")
    ] = None,
    by: Annotated[Breakdown, typer.Option(help="Breakdown of that year.")] = Breakdown.function,
    currency: Annotated[str, typer.Option(help="Reporting currency (EUR, JPY, ...).")] = "EUR",
    fiscal_year_of: Annotated[
        str | None,
        typer.Option(help="Bucket by this partner's fiscal year (e.g. NISSAN: April-March)."),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Realized synergies by year against the targets, the gap and the growth it needs."""
    result = synergy_report(
        open_context(db), year=year, by=by, currency=currency, fiscal_year_of=fiscal_year_of
    )
    if fmt is Format.table:
        _print_table(result)
        return
    # Imported here: the table needs no Pydantic, and start-up time counts at the terminal.
    from synergies.schemas.reports import ReportOut

    document = ReportOut.of(result)
    if fmt is Format.json:
        print_json(document.model_dump(mode="json"))
    else:
        print_csv(document.year_rows() if year is None else document.breakdown_rows())


def register(app: typer.Typer) -> None:
    app.command()(report)
