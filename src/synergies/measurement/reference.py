"""A plain-Decimal, line-by-line implementation of the measure, for checking the engines.

Slow and obvious on purpose: it reads a folder of CSV or Parquet tables with PyArrow and
applies the rules of the measure to one line at a time. Use it on small data only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from synergies.domain.calendar import Month
from synergies.domain.fx import PIVOT
from synergies.measurement.contract import CONTRACTS_BY_NAME, SCALES, Kind
from synergies.measurement.result import (
    DEFAULT_FISCAL_YEAR_STARTS,
    Cell,
    DoubleClaim,
    Figures,
    MeasurementResult,
    merge_cells,
)
from synergies.measurement.source import find_files

Row = dict[str, Any]


def _value(text: Any, kind: Kind) -> Any:
    """A cell as the engine sees it: dates as dates, numbers as Decimal at the contract scale."""
    if text is None or text == "":
        return None
    if kind in SCALES:
        exact = Decimal(str(text))
        return exact.quantize(Decimal(1).scaleb(-SCALES[kind]), ROUND_HALF_UP)
    if kind is Kind.date:
        return text if isinstance(text, date) else date.fromisoformat(str(text))
    if kind is Kind.month:
        return Month.parse(str(text)) if not isinstance(text, date) else Month.of(text)
    return str(text)


def read_rows(folder: Path, name: str) -> list[Row]:
    contract = CONTRACTS_BY_NAME[name]
    files = find_files(folder, name)
    if files is None:
        return []
    parts: list[pa.Table] = []
    for path in files.paths:
        if files.format == "csv":
            types = {c: pa.string() for c in contract.names}
            options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True)
            parts.append(pa_csv.read_csv(path, convert_options=options))
        else:
            parts.append(pq.read_table(path))
    rows = [r for part in parts for r in part.to_pylist()]
    return [{c.name: _value(r[c.name], c.kind) for c in contract.columns} for r in rows]


Index = dict[tuple[str, str], list[Row]]


def by_part(rows: list[Row]) -> Index:
    index: Index = {}
    for r in rows:
        index.setdefault((r["partner"], r["part_number"]), []).append(r)
    return index


def latest(rows: Index, partner: str, part: str, day: date) -> Row | None:
    """The row with the latest valid_from on or before `day` for the part."""
    valid = [r for r in rows.get((partner, part), []) if r["valid_from"] <= day]
    return max(valid, key=lambda r: r["valid_from"]) if valid else None


def claims(scope: Index, line: Row) -> list[tuple[date, str]]:
    """(scope start, initiative) of every initiative claiming the line, first one first."""
    starts: dict[str, date] = {}
    for s in scope.get((line["partner"], line["part_number"]), []):
        if s["valid_from"] <= line["posting_date"] and (
            s["valid_to"] is None or line["posting_date"] <= s["valid_to"]
        ):
            known = starts.get(s["initiative_id"])
            starts[s["initiative_id"]] = min(known, s["valid_from"]) if known else s["valid_from"]
    return sorted((start, initiative) for initiative, start in starts.items())


@dataclass(frozen=True, slots=True)
class Rates:
    table: Mapping[tuple[Month, str], Decimal]

    def get(self, month: Month, currency: str | None) -> Decimal | None:
        if currency is None:
            return None
        return Decimal(1) if currency == PIVOT else self.table.get((month, currency))


def line_figures(
    line: Row, prices: Mapping[str, Row | None], rates: Rates, reporting: str
) -> Figures:
    """The figures of one claimed line, in the reporting currency."""
    month = Month.of(line["posting_date"])
    q, paid_price = line["quantity"], line["unit_price"]
    r, p = rates.get(month, reporting), rates.get(month, line["currency"])

    def converted(price: Decimal, own: Decimal) -> Decimal:
        assert r is not None
        amount: Decimal = q * price * r / own
        return amount

    figures = Figures(lines_claimed=1)
    baseline = prices["baseline"]
    if baseline is None:
        figures += Figures(unmeasurable={"no_baseline": 1})
    else:
        b = rates.get(month, baseline["currency"])
        if r is None or p is None or b is None:
            figures += Figures(unmeasurable={"no_fx_rate": 1})
        else:
            saving = converted(baseline["price"], b) - converted(paid_price, p)
            gain, loss = max(saving, Decimal(0)), max(-saving, Decimal(0))
            figures += Figures(lines_measured=1, gross_gain=gain, gross_loss=loss)
    quote, contract = prices["quote"], prices["contract"]
    if quote is not None and r is not None and p is not None:
        qr = rates.get(month, quote["currency"])
        if qr is not None:
            avoided = converted(quote["price"], qr) - converted(paid_price, p)
            figures += Figures(cost_avoidance=avoided, lines_quoted=1)
    if contract is not None and r is not None and p is not None:
        c = rates.get(month, contract["currency"])
        if c is not None and paid_price * c > contract["price"] * p:
            leak = converted(paid_price, p) - converted(contract["price"], c)
            figures += Figures(leakage_lines=1, leakage=leak)
    return figures


def _prices(rows: list[Row], column: str) -> list[Row]:
    return [{**r, "price": r[column]} for r in rows]


def reference_measure(
    folder: Path,
    *,
    reporting_currency: str = "EUR",
    start: date | None = None,
    end: date | None = None,
    fiscal_year_starts: Mapping[str, int] = DEFAULT_FISCAL_YEAR_STARTS,
    sample_size: int = 20,
) -> MeasurementResult:
    """The measure of a folder source, computed one line at a time in Decimal."""
    lines = [
        line
        for line in read_rows(folder, "purchase_lines")
        if (start is None or line["posting_date"] >= start)
        and (end is None or line["posting_date"] <= end)
    ]
    scope = by_part(read_rows(folder, "initiative_scope"))
    tables = {
        "baseline": by_part(_prices(read_rows(folder, "baselines"), "baseline_unit_price")),
        "quote": by_part(_prices(read_rows(folder, "quotes"), "quoted_unit_price")),
        "contract": by_part(_prices(read_rows(folder, "contracts"), "contract_unit_price")),
    }
    rates = Rates(
        {(r["month"], r["currency"]): r["per_eur"] for r in read_rows(folder, "fx_rates")}
    )
    cells: list[tuple[Cell, Figures]] = []
    doubles: list[DoubleClaim] = []
    for line in lines:
        claimed = claims(scope, line)
        if not claimed:
            continue
        winner = claimed[0][1]
        day = line["posting_date"]
        prices = {
            k: latest(rows, line["partner"], line["part_number"], day) for k, rows in tables.items()
        }
        figures = line_figures(line, prices, rates, reporting_currency)
        if len(claimed) > 1:
            figures += Figures(double_claimed_lines=1, double_claimed_amount=figures.net)
            doubles.append(
                DoubleClaim(
                    line["line_id"], line["partner"], line["part_number"], day,
                    tuple(sorted(i for _, i in claimed)), winner,
                )
            )  # fmt: skip
        cells.append((Cell(winner, line["partner"], Month.of(day)), figures))
    return MeasurementResult(
        reporting_currency=reporting_currency,
        lines_read=len(lines),
        cells=merge_cells(cells),
        double_claim_sample=tuple(sorted(doubles, key=lambda d: d.line_id)[:sample_size]),
        fiscal_year_starts=dict(fiscal_year_starts),
        lineage={"method": "reference"},
    )
