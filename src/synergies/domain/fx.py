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

    def rate_month(self, source: str, target: str, month: Month) -> Month:
        """The month whose rates convert an amount of `month` from `source` to `target`.

        The one rule for every amount: the rates of `month` itself when the table holds both
        currencies for it, else those of the latest earlier month that holds both (a plan or
        target lies in the future; a realized month may be newer than the last rate recorded).
        A month before the first rate has none: refused, naming the month and the fix.
        """
        needed = {source, target} - {PIVOT}
        if all((month, c) in self._rates for c in needed):
            return month
        known = {c: {m for (m, k) in self._rates if k == c and m <= month} for c in needed}
        common = set.intersection(*known.values()) if known else set()
        if not common:
            missing = " and ".join(sorted(c for c in needed if not known[c]) or sorted(needed))
            raise NotFound(
                f"no FX rate for {missing} up to {month}",
                field="fx_rates",
                fix=f"add {missing} rates for {month} or an earlier month to the FX table",
            )
        return max(common)

    def convert_planned(self, money: Money, target: str, month: Month) -> Conversion:
        """Convert a planned or target amount by the rule of `rate_month`."""
        return self.convert(money, target, self.rate_month(money.currency, target, month))

    def convert_realized(self, money: Money, target: str, month: Month) -> Conversion:
        """Convert a realized amount of `month`: at that month's rate, else by the rule of
        `rate_month` (the Conversion's month says which), so that no view fails for one
        month the table lacks. `earlier_rates` lists such months for a page to say so."""
        return self.convert(money, target, self.rate_month(money.currency, target, month))

    def earlier_rates(
        self, currencies: Iterable[str], target: str, months: Iterable[Month]
    ) -> dict[Month, Month]:
        """Of `months`, those whose amounts in `currencies` convert to `target` at an earlier
        month's rate, with that month (months before every rate are left out: refused)."""
        used: dict[Month, Month] = {}
        for month in sorted(set(months)):
            for currency in sorted(set(currencies) - {target}):
                try:
                    at = self.rate_month(currency, target, month)
                except NotFound:
                    continue
                if at != month:
                    used[month] = min(at, used.get(month, at))
        return used

    def rate(self, source: str, target: str, month: Month) -> Decimal:
        """Units of `target` for one unit of `source` in `month`."""
        if source == target:
            return Decimal(1)
        return self.per_eur(target, month) / self.per_eur(source, month)

    def convert(self, money: Money, target: str, month: Month) -> Conversion:
        rate = self.rate(money.currency, target, month)
        return Conversion(money, Money(money.amount * rate, target), month, rate)
