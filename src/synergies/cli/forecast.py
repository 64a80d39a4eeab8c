"""Print forecasts, what-ifs and paybacks. The typer commands load the portfolio and call these.

Each function runs the pure engine and prints in the chosen format: a Rich table (with the
tornado as horizontal bars), JSON (one document) or CSV (the main rows).
"""

from __future__ import annotations

from rich.text import Text

from synergies.cli.output import Format, console, emit, print_json, table
from synergies.domain.calendar import Month
from synergies.forecasting import (
    ForecastInitiative,
    ForecastSettings,
    Portfolio,
    Scenario,
    alliance_payback,
    forecast,
    payback,
    what_if,
)
from synergies.forecasting.forecast import ForecastResult
from synergies.forecasting.report import (
    Row,
    euros,
    forecast_document,
    payback_rows,
    what_if_target_rows,
    what_if_year_rows,
    whole_euros,
    year_rows,
)
from synergies.forecasting.tornado import Driver

BAR_WIDTH = 40


def forecast_command(portfolio: Portfolio, settings: ForecastSettings, fmt: Format) -> None:
    """Forecast `portfolio` and print years, targets and the tornado."""
    result = forecast(portfolio, settings)
    if fmt is Format.json:
        print_json(forecast_document(result))
    elif fmt is Format.csv:
        emit(year_rows(result), fmt)
    else:
        print_forecast(result)


def print_forecast(result: ForecastResult, *, drivers: int = 10) -> None:
    out = console()
    out.print(table(year_rows(result), title=f"Annual synergies, EUR ({result.trials:,} trials)"))
    if result.targets:
        out.print(table(_target_cells(result), title="Targets"))
    tornado = result.tornado
    out.print(f"What drives the {result.target_year.year} uncertainty "
              f"(std {euros(tornado.std):,} EUR; share of variance):")  # fmt: skip
    for driver in (*tornado.initiatives[:drivers], tornado.baseline):
        out.print(_bar(driver, tornado.std))
    out.print("By function:")
    for driver in tornado.functions:
        out.print(_bar(driver, tornado.std))


def _target_cells(result: ForecastResult) -> list[Row]:
    return [
        {"year": t.year, "target": whole_euros(t.target),
         "P(meet)": f"{t.probability:.1%} ± {t.standard_error:.1%}",
         "expected gap": euros(t.expected_gap)}
        for t in result.targets
    ]  # fmt: skip


def _bar(driver: Driver, std: float) -> Text:
    length = round(BAR_WIDTH * abs(driver.std_contribution) / std) if std > 0 else 0
    label = driver.name + (" (hypothetical)" if driver.hypothetical else "")
    text = Text(f"{label[:32]:<34}")
    text.append("█" * min(length, BAR_WIDTH), style="red" if driver.variance_share < 0 else "cyan")
    text.append(f" {driver.variance_share:.1%}")
    return text


def what_if_command(
    portfolio: Portfolio, scenario: Scenario, settings: ForecastSettings, fmt: Format
) -> None:
    """Forecast with and without `scenario` and print the differences."""
    result = what_if(portfolio, scenario, settings)
    years, targets = what_if_year_rows(result), what_if_target_rows(result)
    if fmt is Format.json:
        print_json({"scenario": scenario.name, "years": years, "targets": targets})
    elif fmt is Format.csv:
        emit(years, fmt)
    else:
        emit(years, fmt, title=f"What if: {scenario.name} (hypothetical)")
        if targets:
            emit(targets, fmt, title="Odds of meeting the targets")


def payback_command(initiatives: tuple[ForecastInitiative, ...], until: Month, fmt: Format) -> None:
    """Print each initiative's payback on the plan, then the alliance's."""
    rows = payback_rows(
        [payback(item, until) for item in initiatives] + [alliance_payback(initiatives, until)]
    )
    emit(rows, fmt, title=f"Payback on the plan, to {until}")
