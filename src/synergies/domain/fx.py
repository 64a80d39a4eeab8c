"""Foreign exchange by month, quoted as units of a currency per 1 EUR (as central banks do)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.money import Money

PIVOT = "EUR"


@dataclass(frozen=True, slots=True)
class FxRate:
    month: Month
    currency: str
    per_eur: Decimal

    def __post_init__(self) -> None:
        if self.per_eur <= 0:
            raise InvalidInput(
                f"rate {self.per_eur} for {self.currency} in {self.month} is not positive",
                field="per_eur",
                fix="give units of the currency for 1 EUR, greater than 0",
            )


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted amount and the rates that produced it, so every figure can say its source."""

    original: Money
    result: Money
    month: Month
    rate: Decimal  # units of result currency per unit of original currency

    def describe(self) -> str:
        return f"{self.original} -> {self.result} at {self.rate:.6f} ({self.month})"


class FxTable:
    """Monthly rates; conversions go through EUR and say which rate they used."""

    def __init__(self, rates: Iterable[FxRate] = ()) -> None:
        self._rates: dict[tuple[Month, str], Decimal] = {}
        for rate in rates:
            self._rates[(rate.month, rate.currency)] = rate.per_eur

    @property
    def rates(self) -> Mapping[tuple[Month, str], Decimal]:
        return self._rates

    def per_eur(self, currency: str, month: Month) -> Decimal:
        if currency == PIVOT:
            return Decimal(1)
        try:
            return self._rates[(month, currency)]
        except KeyError:
            raise NotFound(
                f"no FX rate for {currency} in {month}",
                field="fx_rates",
                fix=f"add the {currency} rate for {month} to the FX table",
            ) from None

    def latest_month(self, currency: str, month: Month) -> Month:
        """The latest month at or before `month` with a rate for `currency` (for plans and
        targets that lie beyond the table; measured amounts never use it)."""
        if currency == PIVOT:
            return month
        known = [m for (m, c) in self._rates if c == currency and m <= month]
        if not known:
            raise NotFound(
                f"no FX rate for {currency} up to {month}",
                field="fx_rates",
                fix=f"add {currency} rates to the FX table",
            )
        return max(known)

    def rate(self, source: str, target: str, month: Month) -> Decimal:
        """Units of `target` for one unit of `source` in `month`."""
        if source == target:
            return Decimal(1)
        return self.per_eur(target, month) / self.per_eur(source, month)

    def convert(self, money: Money, target: str, month: Month) -> Conversion:
        rate = self.rate(money.currency, target, month)
        return Conversion(money, Money(money.amount * rate, target), month, rate)
