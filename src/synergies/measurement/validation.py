"""Check a source against the contract with counting queries; locate the first bad row.

Every rule is an Ibis predicate that marks bad rows. Most rules also have a *screen*: a cheap
aggregate that proves no row is bad (no nulls: count(column) = count(*); a lower bound: the
rule holds for no row if it does not hold for the minimum, since casting and the bounds are
monotonic; a currency: no distinct value is bad). Engines answer counts and minimums of Parquet
columns from the files' statistics, so a clean Parquet source costs one read of its currency
column instead of a scan of every column (CSV files have no statistics and are not screened). Rules a screen cannot clear are counted in one
aggregate query per table; only when a count is not zero is the first bad row located.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from synergies.domain.errors import InvalidInput
from synergies.domain.money import MINOR_UNITS
from synergies.measurement.contract import (
    CONTRACTS_BY_NAME,
    ENGINE_TYPES,
    Column,
    Kind,
    TableContract,
)
from synergies.measurement.engines import rows, scalar
from synergies.measurement.source import Source, TableFiles

Predicate = Callable[[ir.Column], ir.BooleanValue]
_MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_LOWER_BOUND: dict[Kind, tuple[str, str]] = {
    # kind -> (problem, fix) for values at or below zero
    Kind.quantity: ("is not greater than 0", "quantities must be greater than 0"),
    Kind.rate: ("is not greater than 0", "give units of the currency for 1 EUR, above 0"),
}


class Screen(StrEnum):
    """How to prove cheaply that no row breaks a rule (see the module docstring)."""

    none = "none"
    nulls = "nulls"
    minimum = "minimum"
    distinct = "distinct"


@dataclass(frozen=True, slots=True)
class Rule:
    """A way a column's value can be wrong, as a predicate marking bad rows."""

    column: str
    problem: str
    fix: str
    bad: Predicate
    screen: Screen = Screen.none


def _is_text(column_type: dt.DataType) -> bool:
    return bool(column_type.is_string())


def _parse_rules(column: Column, raw: dt.DataType) -> list[Rule]:
    """Rules for a column stored as text that must parse as a date or a number."""
    if not _is_text(raw) or column.kind in (Kind.text, Kind.currency):
        return []
    if column.kind is Kind.month:
        return [
            Rule(column.name, "is not a month", "write it as YYYY-MM", _bad_month),
        ]
    target = ENGINE_TYPES[column.kind]
    problem = "is not a date" if column.kind is Kind.date else "is not a number"
    fix = "write it as YYYY-MM-DD" if column.kind is Kind.date else "write it like 1234.56"

    def unparsable(c: ir.Column) -> ir.BooleanValue:
        return c.notnull() & c.try_cast(target).isnull()

    return [Rule(column.name, problem, fix, unparsable)]


def _bad_month(c: ir.Column) -> ir.BooleanValue:
    return c.notnull() & ~c.cast(dt.string).re_search(_MONTH_PATTERN)


def _range_rules(column: Column, raw: dt.DataType) -> list[Rule]:
    """Sign rules for numbers: quantities and rates above 0, prices at least 0."""
    if column.kind not in (Kind.quantity, Kind.price, Kind.rate):
        return []
    target = ENGINE_TYPES[column.kind]

    def value(c: ir.Column) -> ir.NumericValue:
        return c.try_cast(target) if _is_text(raw) else c.cast(target)

    # A cast rounds monotonically, so the smallest value breaks a bound if any value does.
    screen = Screen.none if _is_text(raw) else Screen.minimum
    if column.kind is Kind.price:
        return [
            Rule(
                column.name,
                "is negative",
                "prices must be 0 or more",
                lambda c: value(c) < 0,
                screen,
            )
        ]
    problem, fix = _LOWER_BOUND[column.kind]
    return [Rule(column.name, problem, fix, lambda c: value(c) <= 0, screen)]


def _currency_rules(column: Column) -> list[Rule]:
    if column.kind is not Kind.currency:
        return []
    known = sorted(MINOR_UNITS)
    return [
        Rule(
            column.name,
            "is not a known ISO 4217 currency",
            f"use one of {', '.join(known)} (upper case)",
            lambda c: c.notnull() & ~c.isin(known),
            Screen.distinct,
        )
    ]


def _required_rules(column: Column) -> list[Rule]:
    if not column.required:
        return []
    return [
        Rule(
            column.name,
            "is empty",
            "give a value in every row",
            lambda c: c.isnull(),
            Screen.nulls,
        )
    ]


def rules_for(contract: TableContract, schema: ibis.Schema) -> list[Rule]:
    """Every rule of the contract's columns, given how the source stores them."""
    rules: list[Rule] = []
    for column in contract.columns:
        raw = schema[column.name]
        rules += _required_rules(column)
        rules += _parse_rules(column, raw)
        rules += _range_rules(column, raw)
        rules += _currency_rules(column)
    return rules


def check_columns(source: Source, contract: TableContract) -> None:
    """Refuse a table that lacks a contract column, naming the file and the column."""
    present = set(source.tables[contract.name].columns)
    for column in contract.columns:
        if column.name not in present:
            raise InvalidInput(
                f"column {column.name} is missing",
                field=f"{source.label(contract.name)}: column {column.name}",
                fix=f"add a {column.name} column; {contract.name} needs "
                f"{', '.join(contract.names)}",
            )


def _maybe_bad(table: ir.Table, rule: Rule) -> ir.BooleanValue:
    """A scalar that is false only if no row of the table breaks the rule."""
    column = table[rule.column]
    if rule.screen is Screen.nulls:
        return column.count() != table.count()
    if rule.screen is Screen.minimum:
        return rule.bad(column.min()).fill_null(False)
    return ibis.literal(True)


def _distinct_bad(table: ir.Table, rule: Rule) -> bool:
    values = table.select(value=table[rule.column]).distinct()
    return bool(scalar(values.filter(rule.bad(values.value)).count()))


@dataclass(frozen=True, slots=True)
class Footer:
    """A column's null count and minimum over every row group of a table's Parquet files, as
    their footers state them; None where a footer does not say."""

    nulls: int | None
    minimum: object | None


def footers(files: TableFiles | None) -> dict[str, Footer]:
    """Each stored column's footer statistics. Engines use footers only for a single file, so
    a table in many parts (a Hive folder) would otherwise be scanned to screen its rules."""
    if files is None or files.format != "parquet":
        return {}
    nulls: dict[str, list[int | None]] = defaultdict(list)
    minima: dict[str, list[object | None]] = defaultdict(list)
    for path in files.paths:
        meta = pq.ParquetFile(path).metadata
        for group in range(meta.num_row_groups):
            row_group = meta.row_group(group)
            for i in range(row_group.num_columns):
                chunk = row_group.column(i)
                stats = chunk.statistics
                counted = stats is not None and stats.has_null_count
                bounded = stats is not None and stats.has_min_max
                nulls[chunk.path_in_schema].append(stats.null_count if counted else None)
                minima[chunk.path_in_schema].append(stats.min if bounded else None)
    return {
        name: Footer(
            None if None in counts else sum(c for c in counts if c is not None),
            None if None in minima[name] else min(minima[name]),  # type: ignore[type-var]
        )
        for name, counts in nulls.items()
    }


def _cleared_by_footer(table: ir.Table, rule: Rule, footer: Footer | None) -> bool:
    if footer is None:
        return False
    if rule.screen is Screen.nulls:
        return footer.nulls == 0
    if rule.screen is Screen.minimum and footer.minimum is not None:
        value = ibis.literal(footer.minimum, type=table[rule.column].type())
        return not scalar(rule.bad(value).fill_null(False))
    return False


def screen(table: ir.Table, rules: list[Rule], files: TableFiles | None = None) -> list[Rule]:
    """The rules some row may break: those their screen does not clear."""
    stated = footers(files)
    rules_left = [r for r in rules if not _cleared_by_footer(table, r, stated.get(r.column))]
    simple = [r for r in rules_left if r.screen in (Screen.nulls, Screen.minimum)]
    flags = {f"rule_{i}": _maybe_bad(table, rule) for i, rule in enumerate(simple)}
    row = rows(table.aggregate(**flags))[0] if flags else {}
    cleared = {id(r) for i, r in enumerate(simple) if not row[f"rule_{i}"]}
    cleared |= {
        id(r) for r in rules_left if r.screen is Screen.distinct and not _distinct_bad(table, r)
    }
    return [r for r in rules_left if id(r) not in cleared]


def count_bad_rows(
    table: ir.Table, rules: list[Rule], screened: bool = True, files: TableFiles | None = None
) -> list[int]:
    """How many rows break each rule, in one aggregate query; `screened`, rules a screen clears
    are not counted."""
    suspect = screen(table, rules, files) if screened else rules
    if not suspect:
        return [0] * len(rules)
    metrics = {
        f"rule_{i}": ibis.ifelse(rule.bad(table[rule.column]), 1, 0).sum()
        for i, rule in enumerate(suspect)
    }
    row = rows(table.aggregate(**metrics))[0]
    counts = {id(rule): int(row[f"rule_{i}"] or 0) for i, rule in enumerate(suspect)}
    return [counts.get(id(rule), 0) for rule in rules]


def _read_column(files: TableFiles, path: Path, column: str) -> pa.Table:
    if files.format == "csv":
        options = pa_csv.ConvertOptions(
            include_columns=[column],
            column_types={column: pa.string()},
            strings_can_be_null=True,
        )
        return pa_csv.read_csv(path, convert_options=options)
    return pq.read_table(path, columns=[column])


def _first_bad_in_file(files: TableFiles, path: Path, rule: Rule) -> tuple[int, object] | None:
    """(0-based row, value) of the first row of one file breaking the rule, or None."""
    data = _read_column(files, path, rule.column)
    data = data.append_column("row_index", pa.array(range(data.num_rows), pa.int64()))
    table = ibis.memtable(data)
    hits = (
        table.filter(rule.bad(table[rule.column]))
        .order_by("row_index")
        .limit(1)
        .to_pyarrow()
        .to_pylist()
    )
    if not hits:
        return None
    return int(hits[0]["row_index"]), hits[0][rule.column]


def locate_in_files(files: TableFiles, rule: Rule) -> tuple[str, object]:
    """Where the first bad row is: 'file: row N' (CSV rows count the header as row 1)."""
    for path in files.paths:
        found = _first_bad_in_file(files, path, rule)
        if found is not None:
            index, value = found
            row = index + 2 if files.format == "csv" else index + 1
            return f"{path.name}: row {row}", value
    return files.label, None


def locate_in_database(table: ir.Table, contract: TableContract, rule: Rule) -> tuple[str, object]:
    """Where the first bad row is, named by its key (databases have no row order)."""
    hits = rows(table.filter(rule.bad(table[rule.column])).limit(1))
    if not hits:
        return contract.name, None
    key = ", ".join(f"{k}={hits[0][k]}" for k in contract.key)
    return f"{contract.name}: row with {key}", hits[0][rule.column]


def refuse(source: Source, contract: TableContract, rule: Rule, count: int) -> InvalidInput:
    table = source.tables[contract.name]
    files = source.files.get(contract.name)
    where, value = (
        locate_in_files(files, rule) if files else locate_in_database(table, contract, rule)
    )
    others = f" ({count} rows in all)" if count > 1 else ""
    return InvalidInput(
        f"{rule.column} {value!r} {rule.problem}{others}",
        field=f"{where}, column {rule.column}",
        fix=rule.fix,
    )


def check_keys(source: Source, contract: TableContract, typed: ir.Table) -> None:
    """Refuse two rows with the same key (two rates for one month, two baselines for a date)."""
    key = list(contract.key)
    dupes = typed.group_by(key).aggregate(rows=typed.count()).filter(lambda t: t.rows > 1).limit(1)
    found = rows(dupes)
    if found:
        values = ", ".join(f"{k}={found[0][k]}" for k in key)
        raise InvalidInput(
            f"{found[0]['rows']} rows have the same {', '.join(key)}",
            field=f"{source.label(contract.name)}: rows with {values}",
            fix="keep one row per key; a later price needs a later valid_from",
        )


def check_table(source: Source, name: str) -> None:
    """Validate one table's columns and values; raise InvalidInput at the first problem."""
    contract = CONTRACTS_BY_NAME[name]
    check_columns(source, contract)
    table = source.tables[name]
    rules = rules_for(contract, table.schema())
    files = source.files.get(name)
    # CSV files keep no statistics: a screen would cost a scan of its own.
    screened = files is None or files.format != "csv"
    for rule, count in zip(rules, count_bad_rows(table, rules, screened, files), strict=True):
        if count:
            raise refuse(source, contract, rule, count)


def check_source(source: Source) -> None:
    """Validate every table the source holds, small tables first."""
    order = ["fx_rates", "initiative_scope", "baselines", "quotes", "contracts", "purchase_lines"]
    for name in order:
        if name in source.tables:
            check_table(source, name)
