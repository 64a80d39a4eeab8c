"""Column types that keep values exact on every backend: Decimal (SQLite has no exact
decimal) and moments in time (SQLite keeps no time zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

from synergies.domain.errors import InvalidInput

SCALE = Decimal("0.0001")
FACTOR = 10_000
# The largest amount one value may hold, in any currency: 14 digits before the point. Its
# integer form (x 10,000) fits 64 bits with room to spare; sums are split so they never
# overflow (storage/ledger_rows.py).
LIMIT = Decimal("99999999999999.9999")


class Amount(TypeDecorator[Decimal]):
    """A money amount stored as an integer count of 1/10,000 units: exact and summable in SQL.

    Holds up to LIMIT (about 1e14 units of a currency: yen totals of an alliance fit) and
    refuses more, naming the limit, rather than fail deep in the store.
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
        if abs(scaled) > LIMIT:
            raise InvalidInput(
                f"{value} is beyond the largest amount the store keeps", field="amount",
                fix=f"split it: one amount is at most {LIMIT:,}",
            )  # fmt: skip
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


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in time, stored in UTC and always read back aware, in UTC.

    SQLite keeps the wall-clock text without its zone and PostgreSQL answers in the session's
    zone; this type makes both hand back the same UTC moment. A time with another zone is
    converted to UTC before it is written. A naive time is refused rather than guessed: it
    is a bug in the caller (every clock here is aware), and read as UTC it could be wrong by
    hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{value.isoformat()} has no time zone; give it one (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # Naive only on SQLite, where this type wrote it in UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
