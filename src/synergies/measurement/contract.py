"""The source data contract: which tables a source holds, their columns and value kinds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import ibis.expr.datatypes as dt


class Kind(StrEnum):
    """What a column holds; decides its engine type and its validity rules."""

    text = "text"
    currency = "currency"
    date = "date"
    month = "month"
    quantity = "quantity"
    price = "price"
    rate = "rate"


# Exact engine types. Inputs with more decimals than these scales are rounded on read.
ENGINE_TYPES: dict[Kind, dt.DataType] = {
    Kind.text: dt.string,
    Kind.currency: dt.string,
    Kind.date: dt.date,
    Kind.month: dt.string,
    Kind.quantity: dt.Decimal(18, 4),
    Kind.price: dt.Decimal(18, 6),
    Kind.rate: dt.Decimal(18, 8),
}
SCALES: dict[Kind, int] = {Kind.quantity: 4, Kind.price: 6, Kind.rate: 8}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = True


@dataclass(frozen=True, slots=True)
class TableContract:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique per row
    optional: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _price_table(name: str, price: str) -> TableContract:
    return TableContract(
        name,
        (
            Column("partner", Kind.text),
            Column("part_number", Kind.text),
            Column(price, Kind.price),
            Column("currency", Kind.currency),
            Column("valid_from", Kind.date),
        ),
        key=("partner", "part_number", "valid_from"),
        optional=name != "baselines",
    )


PURCHASE_LINES = TableContract(
    "purchase_lines",
    (
        Column("line_id", Kind.text),
        Column("partner", Kind.text),
        Column("part_number", Kind.text),
        Column("supplier_id", Kind.text),
        Column("posting_date", Kind.date),
        Column("quantity", Kind.quantity),
        Column("unit_price", Kind.price),
        Column("currency", Kind.currency),
    ),
    key=("line_id",),
)
BASELINES = _price_table("baselines", "baseline_unit_price")
QUOTES = _price_table("quotes", "quoted_unit_price")
CONTRACTS = _price_table("contracts", "contract_unit_price")
FX_RATES = TableContract(
    "fx_rates",
    (Column("month", Kind.month), Column("currency", Kind.currency), Column("per_eur", Kind.rate)),
    key=("month", "currency"),
)
INITIATIVE_SCOPE = TableContract(
    "initiative_scope",
    (
        Column("initiative_id", Kind.text),
        Column("partner", Kind.text),
        Column("part_number", Kind.text),
        Column("valid_from", Kind.date),
        Column("valid_to", Kind.date, required=False),
    ),
    key=("initiative_id", "partner", "part_number", "valid_from"),
)

CONTRACTS_BY_NAME: dict[str, TableContract] = {
    t.name: t for t in (PURCHASE_LINES, BASELINES, FX_RATES, INITIATIVE_SCOPE, QUOTES, CONTRACTS)
}
