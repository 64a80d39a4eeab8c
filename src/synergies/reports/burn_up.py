"""The burn-up to target: realized synergies by year, then the forecast's band, and the
targets, joined by year. One computation for the dashboard's overview and the board pack."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from synergies.schemas.forecast import ForecastOut
from synergies.schemas.reports import ReportOut


@dataclass(frozen=True, slots=True)
class BurnUpRow:
    """One calendar year, EUR: realized, or the forecast's band; and its target."""

    year: int
    realized: Decimal | None = None
    p10: Decimal | None = None
    p50: Decimal | None = None
    p90: Decimal | None = None
    target: Decimal | None = None
    probability: Decimal | None = None


def burn_up(
    report: ReportOut, forecast: ForecastOut | None, last: int | None
) -> tuple[BurnUpRow, ...]:
    """Realized years up to the target year, then the forecast's band, joined by year: the
    overview's and the board pack's, from the same report and forecast."""
    end = last if last is not None else max((y.year for y in report.years), default=0)
    rows: dict[int, dict[str, Decimal | None]] = {
        y.year: {"realized": y.realized.amount or None,
                 "target": y.target.amount if y.target else None}
        for y in report.years
        if y.year <= end and (y.realized.amount or y.target)
    }  # fmt: skip
    for outlook in forecast.years if forecast else []:
        row = rows.setdefault(outlook.year, {})
        row.update(p10=outlook.p10, p50=outlook.p50, p90=outlook.p90)
    for target in forecast.targets if forecast else []:
        row = rows.setdefault(target.year, {})
        row.update(target=target.target, probability=target.probability)
    return tuple(BurnUpRow(year=y, **rows[y]) for y in sorted(rows))
