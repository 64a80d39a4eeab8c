"""Splitting a saving between partners by a rule, exactly to the minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

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
        """Split to the currency's minor unit; the parts always sum to the whole.

        Largest-remainder method: floor every share, then hand the leftover minor units to the
        largest remainders (ties by partner order), so no cent is created or lost.
        """
        unit = minor_unit(money.currency)
        units = (money.amount / unit).to_integral_value(ROUND_FLOOR)
        residual = money.amount - units * unit  # sub-unit dust stays with the first partner
        whole = sum(w for _, w in self.weights)
        exact = [(p, units * w / whole) for p, w in self.weights]
        floors = {p: share.to_integral_value(ROUND_FLOOR) for p, share in exact}
        leftover = int(units - sum(floors.values()))
        order = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - floors[exact[i][0]]))
        for i in order[:leftover]:
            floors[exact[i][0]] += 1
        parts = {p: Money(n * unit, money.currency) for p, n in floors.items()}
        first = self.weights[0][0]
        parts[first] = Money(parts[first].amount + residual, money.currency)
        return parts


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
