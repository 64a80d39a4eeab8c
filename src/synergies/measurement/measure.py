"""Measure a source: validate, run the expressions on an engine, convert, fingerprint."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from synergies.domain.calendar import Month
from synergies.domain.fx import PIVOT
from synergies.domain.money import currency_code
from synergies.measurement import expressions as ex
from synergies.measurement.contract import CONTRACTS_BY_NAME
from synergies.measurement.convert import Rates, cells_from_rows
from synergies.measurement.engines import (
    LOCAL,
    Engine,
    SparkSettings,
    connect,
    engine_errors,
    is_overflow,
    materialize,
    rows,
    scalar,
)
from synergies.measurement.lineage import fingerprint, start_digests
from synergies.measurement.result import (
    DEFAULT_FISCAL_YEAR_STARTS,
    Cell,
    DoubleClaim,
    Figures,
    LineRange,
    MeasurementResult,
    merge_cells,
)
from synergies.measurement.source import Source, open_source
from synergies.measurement.typed import Tables, typed_tables
from synergies.measurement.validation import check_keys, check_source


@dataclass(frozen=True, slots=True)
class Selection:
    """Part of a folder source, for an incremental run: only these purchase-line files, only
    lines of these months; `digests` are hashes already known of unchanged files."""

    parts: tuple[Path, ...]
    months: frozenset[Month] | None  # None: every month
    digests: Mapping[Path, str]


@dataclass(frozen=True, slots=True)
class Period:
    """Posting dates to measure, both ends inclusive; None is open."""

    start: date | None = None
    end: date | None = None


def measure(
    source: str | Path | BaseBackend,
    *,
    reporting_currency: str = "EUR",
    period: Period = Period(),
    engine: Engine = Engine.duckdb,
    fiscal_year_starts: Mapping[str, int] = DEFAULT_FISCAL_YEAR_STARTS,
    sample_size: int = 20,
    spark: SparkSettings = LOCAL,
    only: Selection | None = None,
    line_ranges: bool = False,
) -> MeasurementResult:
    """Prove the savings of a source's purchase lines.

    `source` is a folder of tables, a database URL such as duckdb:///path.db, or a connected
    Ibis backend (the measure then runs in that database and `engine` is not used).
    `spark` says where the Spark engine runs (see `spark_config`); `only` limits a folder
    source to some files and months (see `services.incremental`); `line_ranges` identifies
    the claimed lines of each partner and month, which posting needs (`LineRange`).
    """
    reporting = currency_code(reporting_currency, field="reporting_currency")
    backend = source if isinstance(source, BaseBackend) else connect(engine, spark)
    with engine_errors():
        return _measure(
            source, backend, reporting, period, fiscal_year_starts, sample_size, only, line_ranges
        )


def _measure(
    source: str | Path | BaseBackend,
    backend: BaseBackend,
    reporting: str,
    period: Period,
    fiscal_year_starts: Mapping[str, int],
    sample_size: int,
    only: Selection | None,
    line_ranges: bool,
) -> MeasurementResult:
    opened = open_source(source, backend, only.parts if only else None)
    digests = start_digests(opened, only.digests if only else None)
    check_source(opened)
    tables = typed_tables(opened)
    for name in ("baselines", "fx_rates", "initiative_scope", "quotes", "contracts"):
        typed = getattr(tables, name)
        if typed is not None:
            check_keys(opened, CONTRACTS_BY_NAME[name], typed)
    if only is not None and only.months is not None:
        tables = dataclasses.replace(
            tables,
            purchase_lines=ex.lines_in_months(tables.purchase_lines, only.months),
            claimable_lines=ex.lines_in_months(tables.claimable_lines, only.months),
        )
    return run(
        opened,
        tables,
        reporting,
        period,
        dict(fiscal_year_starts),
        sample_size,
        digests=digests,
        line_ranges=line_ranges,
    )


def _stats(lines: ir.Table, source: Source) -> dict[str, Any]:
    whole = source.tables["purchase_lines"].quantity.type().is_integer()
    return rows(ex.period_stats(lines, whole))[0]


def load_rates(fx: ir.Table) -> Rates:
    """The FX table in Python Decimals, exactly as the engine holds it."""
    found = rows(fx.select("month", "currency", "per_eur"))
    return {(Month.of(r["month"]), r["currency"]): Decimal(r["per_eur"]) for r in found}


def run(
    source: Source,
    tables: Tables,
    reporting: str,
    period: Period,
    fiscal_year_starts: dict[str, int],
    sample_size: int,
    *,
    digests: Future[dict[Path, str]] | None = None,
    line_ranges: bool = False,
) -> MeasurementResult:
    lines = ex.lines_in_period(tables.purchase_lines, period.start, period.end)
    stats = _stats(lines, source)
    queries: dict[str, str] = {}
    cells: list[tuple[Cell, Figures]] = []
    sample: tuple[DoubleClaim, ...] = ()
    ranges: dict[tuple[str, Month], LineRange] = {}
    rates = load_rates(tables.fx_rates)
    if stats["lines_read"]:
        claimable = ex.lines_in_period(tables.claimable_lines, period.start, period.end)
        cells, sample, queries, ranges = _measure_lines(
            tables, claimable, stats, rates, reporting, sample_size, line_ranges
        )
    counts = row_counts(source, int(stats["lines_read"]))
    return MeasurementResult(
        reporting_currency=reporting,
        lines_read=int(stats["lines_read"]),
        cells=merge_cells(cells),
        double_claim_sample=sample,
        fiscal_year_starts=fiscal_year_starts,
        lineage=fingerprint(
            source, counts, queries, source.backend, digests.result() if digests else None
        ),
        line_ranges=ranges if line_ranges else None,
    )


def _measure_lines(
    tables: Tables,
    claimable: ir.Table,
    stats: Mapping[str, Any],
    rates: Rates,
    reporting: str,
    sample_size: int,
    line_ranges: bool = False,
) -> tuple[
    list[tuple[Cell, Figures]],
    tuple[DoubleClaim, ...],
    dict[str, str],
    dict[tuple[str, Month], LineRange],
]:
    """Run the measure's queries on the engine and convert their sums. `claimable` are the
    lines in the period, quantity and unit_price still as stored (see `typed.LATE`)."""
    end = ex.month_after(stats["last"])
    calendar = materialize(ex.claim_calendar(tables, stats["first"], end), "claim_calendar")
    per_part = segments_per_part(calendar)
    index = materialize(ex.part_index(calendar, per_part), "part_index")
    currencies = sorted({currency for _, currency in rates} - {PIVOT})
    fx = ex.rates_by_month(tables.fx_rates, currencies)
    days = materialize(ex.day_table(stats["first"], end, fx), "days")
    joined = ex.claimed_lines(claimable, index, calendar, days, per_part)
    width = ex.Width.narrow if stats["fractional"] else ex.Width.whole
    sums, found = _sums(joined, calendar, currencies, width, line_ranges)
    cells = cells_from_rows(found, rates, reporting)
    doubles = materialize(ex.double_claimed_parts(index, calendar), "double_parts")
    sample_lines = ex.claimed_lines(claimable, doubles, calendar, days, per_part)
    sample_query = ex.double_claim_sample(sample_lines, sample_size)
    sample = double_claims(sample_query, tables.initiative_scope)
    queries = {
        "cell_sums": str(ibis.to_sql(sums)),
        "double_claim_sample": str(ibis.to_sql(sample_query)),
    }
    return cells, sample, queries, ranges_of(found) if line_ranges else {}


def ranges_of(found: list[dict[str, Any]]) -> dict[tuple[str, Month], LineRange]:
    """The claimed lines of each partner and month, from cell sums that carry line ranges."""
    ranges: dict[tuple[str, Month], LineRange] = {}
    for row in found:
        key = (row["partner"], Month.of(row["month"]))
        here = LineRange(int(row["lines"]), row["first_line"], row["last_line"])
        ranges[key] = ranges[key] + here if key in ranges else here
    return dict(sorted(ranges.items()))


def _sums(
    joined: ir.Table,
    calendar: ir.Table,
    currencies: list[str],
    width: ex.Width,
    line_ranges: bool = False,
) -> tuple[ir.Table, list[dict[str, Any]]]:
    """The cell sums, multiplied in 64 bits unless a line's amount overflows them."""
    sums = ex.cell_sums(
        ex.segment_sums(joined, currencies, width, line_ranges=line_ranges), calendar
    )
    try:
        return sums, rows(sums)
    except Exception as error:
        if not is_overflow(error):
            raise
    wide = ex.segment_sums(joined, currencies, ex.Width.wide, line_ranges=line_ranges)
    sums = ex.cell_sums(wide, calendar)
    return sums, rows(sums)


def segments_per_part(calendar: ir.Table) -> int:
    """The most segments any claimed part has: how many start days the part index holds."""
    most = scalar(calendar.k.max())
    return 1 if most is None else int(most) + 1


def row_counts(source: Source, lines_read: int) -> dict[str, int]:
    counts = {name: int(scalar(t.count())) for name, t in source.tables.items()}
    counts["purchase_lines_in_period"] = lines_read
    return counts


def double_claims(sample: ir.Table, scope: ir.Table) -> tuple[DoubleClaim, ...]:
    """The sampled double-claimed lines with every initiative whose scope claims them."""
    found = rows(sample)
    if not found:
        return ()
    scope_rows = rows(scope)
    return tuple(
        DoubleClaim(
            line_id=line["line_id"],
            partner=line["partner"],
            part_number=line["part_number"],
            posting_date=line["posting_date"],
            claimed_by=claimants(line, scope_rows),
            counted_for=line["initiative_id"],
        )
        for line in found
    )


def claimants(line: Mapping[str, Any], scope_rows: list[dict[str, Any]]) -> tuple[str, ...]:
    day = line["posting_date"]
    return tuple(
        sorted(
            {
                s["initiative_id"]
                for s in scope_rows
                if s["partner"] == line["partner"]
                and s["part_number"] == line["part_number"]
                and s["valid_from"] <= day
                and (s["valid_to"] is None or day <= s["valid_to"])
            }
        )
    )
