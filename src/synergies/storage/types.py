"""Column types that keep Decimal exact on every backend (SQLite has no exact decimal)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Dialect, String
from sqlalchemy.types import TypeDecorator

from synergies.domain.errors import InvalidInput

SCALE = Decimal("0.0001")
FACTOR = 10_000


class Amount(TypeDecorator[Decimal]):
    """A money amount stored as an integer count of 1/10,000 units: exact and summable in SQL.

    Holds up to about 9.2e14 units of a currency (enough for yen totals of an alliance).
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = value.quantize(SCALE)
        if scaled != value:
            raise InvalidInput(
                f"{value} has more than 4 decimal places", field="amount", fix="round it"
            )
        return int(scaled * FACTOR)

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(str(value))) / FACTOR).quantize(SCALE)


class DecimalText(TypeDecorator[Decimal]):
    """A decimal kept as its exact text (rates, percentages): never summed in SQL."""

    impl = String(50)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)
