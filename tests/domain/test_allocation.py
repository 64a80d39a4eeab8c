from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.allocation import AllocationMethod, AllocationRule, parse_allocation
from synergies.domain.errors import InvalidInput
from synergies.domain.money import MINOR_UNITS, Money, minor_unit

currencies = st.sampled_from(["EUR", "JPY", "USD"])
weights = st.lists(
    st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False), min_size=1, max_size=6
).filter(lambda ws: sum(ws) > 0)


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    currency=currencies,
    ws=weights,
)
def test_parts_always_sum_to_the_whole(amount: Decimal, currency: str, ws: list[Decimal]) -> None:
    amount = amount.quantize(minor_unit(currency)) if MINOR_UNITS[currency] == 0 else amount
    rule = AllocationRule(AllocationMethod.volume, tuple((f"P{i}", w) for i, w in enumerate(ws)))
    parts = rule.split(Money(amount, currency))
    assert sum(p.amount for p in parts.values()) == amount
    assert set(parts) == {f"P{i}" for i in range(len(ws))}
    whole = sum(ws)
    for i, w in enumerate(ws):
        exact = amount * w / whole
        # Each part is within one minor unit of its exact share.
        assert abs(parts[f"P{i}"].amount - exact) <= minor_unit(currency)


def test_thirds_of_a_cent_amount() -> None:
    rule = AllocationRule(
        AllocationMethod.volume, (("A", Decimal(1)), ("B", Decimal(1)), ("C", Decimal(1)))
    )
    parts = rule.split(Money.of("100.00", "EUR"))
    assert sorted(p.amount for p in parts.values()) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]


def test_fixed_shares_must_add_up_to_100() -> None:
    with pytest.raises(InvalidInput, match="add up to 90%"):
        parse_allocation("RENAULT=45,NISSAN=45")


@pytest.mark.parametrize("text", ["RENAULT", "RENAULT=abc", "RENAULT=-5,NISSAN=105", "A=1,A=99"])
def test_malformed_allocations_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_allocation(text)
    assert error.value.field == "allocation"


def test_cost_base_weights_split_in_proportion() -> None:
    rule = parse_allocation("RENAULT=3000000000,NISSAN=9000000000", AllocationMethod.cost_base)
    parts = rule.split(Money.of("1000", "JPY"))
    assert parts["RENAULT"].amount == 250 and parts["NISSAN"].amount == 750
