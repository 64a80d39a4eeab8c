"""Print forecasts, what-ifs, paybacks and plans from their one document (schemas/).

JSON is the document itself, CSV its main rows; the table reads the same document, with the
tornado as horizontal bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel
from rich.text import Text

from synergies.cli.output import Format, console, emit, print_json, table
from synergies.schemas.forecast import (
    DriverOut,
    ForecastOut,
    PaybackReportOut,
    TargetOutlookOut,
    WhatIfOut,
)
from synergies.schemas.plans import LockedPlanOut, PlanComparisonOut, PlanSummaryOut

BAR_WIDTH = 40
Row = dict[str, object]


def print_document(document: BaseModel) -> None:
    """The document exactly as the API answers it."""
    print_json(document.model_dump(mode="json"))


def rows(models: Sequence[BaseModel], exclude: set[str] | None = None) -> list[Row]:
    return [m.model_dump(exclude=exclude) for m in models]


def print_forecast(doc: ForecastOut, fmt: Format) -> None:
    """Years, targets and the tornado; the table also says what was left out and why."""
    if fmt is Format.json:
        print_document(doc)
    elif fmt is Format.csv:
        emit(rows(doc.years), fmt)
    else:
        _notes(doc)
        emit(rows(doc.calibration, {"explanation"}), fmt,
             title="Probability of delivery by stage")  # fmt: skip
        _forecast_tables(doc)


def _notes(doc: ForecastOut) -> None:
    out = console()
    out.print(f"Baseline: {doc.baseline:,} EUR realized in {doc.as_of}; "
              f"{doc.live_initiatives} live initiatives add to it.")  # fmt: skip
    for note in doc.notes:
        out.print(f"Note: {note}.")
    for e in doc.excluded:
        out.print(f"  not forecast: {e.initiative}: {e.reason}", style="grey50")
    for c in doc.calibration:
        if c.source == "history":
            out.print(f"  {c.explanation}")
    if doc.realized_since:
        seen = ", ".join(f"{r.year}: {r.realized:,}" for r in doc.realized_since)
        out.print(f"Realized since (EUR, not used by the forecast): {seen}")
    out.print(f"Uncertainty settings: {doc.uncertainty.described}")
    out.print(doc.terms.line())


def _forecast_tables(doc: ForecastOut) -> None:
    out = console()
    out.print(table(rows(doc.years), title=f"Annual synergies, EUR ({doc.trials:,} trials)"))
    if doc.targets:
        out.print(table([_target_cells(t) for t in doc.targets], title="Targets"))
    tornado = doc.tornado
    out.print(f"What drives the {doc.target_year} uncertainty "
              f"(std {tornado.target_year_std:,} EUR; share of variance):")  # fmt: skip
    for driver in (*tornado.initiatives, tornado.baseline, *tornado.terms):
        out.print(_bar(driver, tornado.target_year_std))
    out.print("By function:")
    for driver in tornado.functions:
        out.print(_bar(driver, tornado.target_year_std))


def _target_cells(t: TargetOutlookOut) -> Row:
    return {"year": t.year, "target": t.target,
            "P(meet)": f"{t.probability:.2%} ± {t.standard_error:.2%}",
            "expected gap": t.expected_gap}  # fmt: skip


def _bar(driver: DriverOut, std: Decimal) -> Text:
    length = round(BAR_WIDTH * abs(driver.std_contribution) / std) if std > 0 else 0
    label = driver.driver + (" (hypothetical)" if driver.hypothetical else "")
    text = Text(f"{label[:32]:<34}")
    text.append("█" * min(length, BAR_WIDTH), style="red" if driver.variance_share < 0 else "cyan")
    text.append(f" {driver.variance_share:.2%}")
    return text


def print_what_if(doc: WhatIfOut, fmt: Format) -> None:
    """The years' P50 and the targets' odds, with and without the moves."""
    if fmt is Format.json:
        print_document(doc)
        return
    emit(rows(doc.years), fmt, title=f"What if: {doc.scenario} (hypothetical)")
    if fmt is Format.table and doc.targets:
        emit(rows(doc.targets), fmt, title="Odds of meeting the targets")


def print_payback(doc: PaybackReportOut, fmt: Format) -> None:
    """Each initiative's payback on the plan, then the alliance's."""
    if fmt is Format.json:
        print_document(doc)
    else:
        emit(rows(doc.rows()), fmt, title=f"Payback on the plan, to {doc.until}")


def print_locked(plan: LockedPlanOut) -> None:
    console().print(f"locked plan {plan.name!r}: {len(plan.items)} initiatives, "
                    f"{plan.run_rate_eur.quantize(Decimal(1)):,} EUR run-rate")  # fmt: skip


def print_plans(plans: list[PlanSummaryOut], fmt: Format) -> None:
    if fmt is Format.json:
        print_json([p.model_dump(mode="json") for p in plans])
    else:
        emit(rows(plans), fmt, title="Locked plans")


def print_comparison(doc: PlanComparisonOut, fmt: Format) -> None:
    """Per initiative, then per function; the table names the realized year in its column."""
    if fmt is Format.json:
        print_document(doc)
        return
    if fmt is Format.csv:
        emit(rows(doc.initiatives), fmt)
        return
    realized = f"realized_{doc.year}"
    emit([_renamed(r, realized) for r in rows(doc.initiatives)], fmt,
         title=f"Plan {doc.plan!r} against the working forecast (EUR)")  # fmt: skip
    emit([_renamed(r, realized) for r in rows(doc.functions)], fmt, title="By function")


def _renamed(row: Row, realized: str) -> Row:
    return {realized if k == "realized" else k: v for k, v in row.items()}
