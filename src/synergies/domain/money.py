"""Money: a `Decimal` amount with an ISO 4217 currency. Never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from synergies.domain.errors import InvalidInput

# Minor units of the currencies an alliance of carmakers meets; others are refused with a fix.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2, "JPY": 0, "USD": 2, "GBP": 2, "CHF": 2, "CNY": 2, "KRW": 0, "INR": 2,
    "BRL": 2, "RUB": 2, "TRY": 2, "MXN": 2, "THB": 2, "IDR": 2, "ZAR": 2, "SEK": 2,
    "CZK": 2, "PLN": 2, "RON": 2, "MAD": 2, "DZD": 2, "ARS": 2, "CAD": 2, "AUD": 2,
}  # fmt: skip
_CODE = re.compile(r"^[A-Z]{3}$")
# ASCII digits only, one '.', an optional exponent: no '_' groups, no other scripts' digits,
# no padding (Python's Decimal() takes all three, and a typo would pass for a number).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
CENT = Decimal("0.01")


def currency_code(value: str, *, field: str = "currency") -> str:
    """Return a known ISO 4217 code, upper-cased, or raise naming the field."""
    code = value.strip().upper()
    if not _CODE.match(code) or code not in MINOR_UNITS:
        known = ", ".join(sorted(MINOR_UNITS))
        raise InvalidInput(f"unknown currency {value!r}", field=field, fix=f"use one of {known}")
    return code


def parse_decimal(value: str | int | Decimal, *, field: str) -> Decimal:
    """Parse a decimal written in ASCII with a '.' separator; refuse anything else."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif _DECIMAL.fullmatch(value):
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            number = Decimal("NaN")
    else:
        raise InvalidInput(
            f"{value!r} is not a number", field=field,
            fix="write it with ASCII digits and a '.' for decimals, like 1234.56, "
            "without spaces or thousands separators",
        )  # fmt: skip
    if not number.is_finite():
        raise InvalidInput(f"{value!r} is not a finite number", field=field, fix="give a number")
    return number


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(parse_decimal(amount, field="amount"), currency_code(currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput(
                f"cannot combine {self.currency} with {other.currency}",
                fix="convert through the FX table first",
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * factor, self.currency)

    def rounded(self) -> Money:
        """Round half-even to the currency's minor unit (cents for EUR, yen for JPY)."""
        return Money(
            self.amount.quantize(minor_unit(self.currency), ROUND_HALF_EVEN), self.currency
        )

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of a currency: Decimal('0.01') for EUR, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-MINOR_UNITS[currency])


def total(items: list[Money], currency: str) -> Money:
    """Sum amounts of one currency; an empty list sums to zero."""
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result
