"""Cast a validated source's tables to the engine types of the contract."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from synergies.measurement.contract import (
    CONTRACTS_BY_NAME,
    ENGINE_TYPES,
    PURCHASE_LINES,
    Column,
    Kind,
)
from synergies.measurement.source import Source

# Purchase-line columns the measure casts only after the claim join, which drops the lines no
# initiative claims: casting those would be wasted work on the biggest table.
LATE = ("quantity", "unit_price")


@dataclass(frozen=True, slots=True)
class Tables:
    """The source's tables in engine types; fx_rates.month is the first day of the month.

    `claimable_lines` are the purchase lines with the `LATE` columns still as stored."""

    purchase_lines: ir.Table
    claimable_lines: ir.Table
    baselines: ir.Table
    fx_rates: ir.Table
    initiative_scope: ir.Table
    quotes: ir.Table | None
    contracts: ir.Table | None


def cast_column(value: ir.Column, column: Column) -> ir.Value:
    """The engine value of a column, whatever type the source stored it in."""
    raw = value.type()
    if column.kind is Kind.month:
        if raw.is_string():
            return ibis.literal("").concat(value, "-01").cast("date")
        return value.cast("date").truncate("M")
    if column.kind is Kind.date and raw.is_timestamp():
        return value.date()
    target = ENGINE_TYPES[column.kind]
    return value if raw == target else value.cast(target)


def typed_table(source: Source, name: str, late: tuple[str, ...] = ()) -> ir.Table:
    """The table's contract columns in engine types, but for the `late` ones."""
    contract = CONTRACTS_BY_NAME[name]
    table = source.tables[name]
    return table.select(
        **{
            c.name: table[c.name] if c.name in late else cast_column(table[c.name], c)
            for c in contract.columns
        }
    )


def late_casts(lines: ir.Table) -> dict[str, ir.Value]:
    """The `LATE` purchase-line columns in engine types."""
    columns = {c.name: c for c in PURCHASE_LINES.columns}
    return {name: cast_column(lines[name], columns[name]) for name in LATE}


def typed_tables(source: Source) -> Tables:
    def optional(name: str) -> ir.Table | None:
        return typed_table(source, name) if name in source.tables else None

    return Tables(
        purchase_lines=typed_table(source, "purchase_lines"),
        claimable_lines=typed_table(source, "purchase_lines", LATE),
        baselines=typed_table(source, "baselines"),
        fx_rates=typed_table(source, "fx_rates"),
        initiative_scope=typed_table(source, "initiative_scope"),
        quotes=optional("quotes"),
        contracts=optional("contracts"),
    )
