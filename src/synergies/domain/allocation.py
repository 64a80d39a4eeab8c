"""Splitting a saving between partners by a rule, exactly to the minor unit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from synergies.domain.errors import InvalidInput
from synergies.domain.money import Money, minor_unit

HUNDRED = Decimal(100)


class AllocationMethod(StrEnum):
    fixed = "fixed"  # weights are percentages summing to 100
    volume = "volume"  # weights are volumes (units, vehicles) bought or built by each partner
    cost_base = "cost base"  # weights are each partner's addressable cost base


@dataclass(frozen=True, slots=True)
class AllocationRule:
    method: AllocationMethod
    weights: tuple[tuple[str, Decimal], ...]

    def __post_init__(self) -> None:
        if not self.weights:
            raise InvalidInput("an allocation needs at least one partner", field="allocation")
        if any(w < 0 for _, w in self.weights) or sum(w for _, w in self.weights) <= 0:
            raise InvalidInput(
                "allocation weights must be non-negative and not all zero",
                field="allocation",
                fix="give each partner a share, e.g. RENAULT=50,NISSAN=50",
            )
        if len({p for p, _ in self.weights}) != len(self.weights):
            raise InvalidInput("a partner appears twice in the allocation", field="allocation")
        if self.method is AllocationMethod.fixed and sum(w for _, w in self.weights) != HUNDRED:
            total = sum(w for _, w in self.weights)
            raise InvalidInput(
                f"fixed shares add up to {total}%, not 100%",
                field="allocation",
                fix="make the percentages sum to 100",
            )

    def partners(self) -> list[str]:
        """Partners that share the saving (a zero weight shares nothing)."""
        return [p for p, w in self.weights if w > 0]

    def shares(self) -> dict[str, Decimal]:
        whole = sum(w for _, w in self.weights)
        return {p: w / whole for p, w in self.weights}

    def split(self, money: Money) -> dict[str, Money]:
        """Split to the currency's minor unit: the parts sum exactly to the whole, and each is
        within one minor unit of its exact share (`exact_shares`).

        The rule, largest remainder: every partner gets its exact share rounded down to the
        minor unit (the cent for EUR, the yen for JPY); the units left over go one each to the
        largest remainders, ties in the order the rule lists its partners (100.00 EUR by
        thirds: 33.34, 33.33, 33.33). A negative amount splits as its opposite, negated, so a
        dis-synergy mirrors a saving. An amount finer than the minor unit leaves dust of less
        than one unit; it goes to the first partner in that order not given an extra unit.
        A partner of weight zero gets exactly zero.
        """
        unit = minor_unit(money.currency)
        size = abs(money.amount)
        in_units = Fraction(size) / Fraction(unit)
        exact = [share * in_units for share in self._fractions()]
        units = [math.floor(x) for x in exact]
        leftover = math.floor(sum(exact) - sum(units))
        order = sorted(range(len(exact)), key=lambda i: (units[i] - exact[i], i))
        for i in order[:leftover]:
            units[i] += 1
        amounts = [n * unit for n in units]
        dust = size - sum(amounts)
        if dust:
            amounts[order[leftover]] += dust
        sign = -1 if money.amount < 0 else 1
        return {
            p: Money(sign * a, money.currency)
            for (p, _), a in zip(self.weights, amounts, strict=True)
        }

    def exact_shares(self, money: Money) -> dict[str, Fraction]:
        """Each partner's share of `money` before any rounding, as an exact fraction."""
        size = Fraction(money.amount)
        shares = zip(self.weights, self._fractions(), strict=True)
        return {p: share * size for (p, _), share in shares}

    def _fractions(self) -> list[Fraction]:
        whole = sum(Fraction(w) for _, w in self.weights)
        return [Fraction(w) / whole for _, w in self.weights]


def parse_allocation(
    text: str, method: AllocationMethod = AllocationMethod.fixed
) -> AllocationRule:
    """Parse 'RENAULT=45,NISSAN=55' into a rule."""
    pairs: list[tuple[str, Decimal]] = []
    for chunk in filter(None, (c.strip() for c in text.split(","))):
        partner, sep, weight = chunk.partition("=")
        if not sep:
            raise InvalidInput(
                f"{chunk!r} has no '='", field="allocation", fix="write PARTNER=SHARE,PARTNER=SHARE"
            )
        try:
            pairs.append((partner.strip().upper(), Decimal(weight.strip())))
        except ArithmeticError:
            raise InvalidInput(
                f"{weight!r} is not a number", field="allocation", fix="write PARTNER=45.5"
            ) from None
    return AllocationRule(method, tuple(pairs))
