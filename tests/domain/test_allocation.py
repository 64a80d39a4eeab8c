from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.allocation import AllocationMethod, AllocationRule, parse_allocation
from synergies.domain.errors import InvalidInput
from synergies.domain.money import CENT, MINOR_UNITS, Money, minor_unit

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
    exact = rule.exact_shares(Money(amount, currency))
    for partner, part in parts.items():
        # Each part is within one minor unit of its exact share.
        assert abs(Fraction(part.amount) - exact[partner]) < Fraction(minor_unit(currency))


def _rule(ws: list[Decimal]) -> AllocationRule:
    return AllocationRule(AllocationMethod.volume, tuple((f"P{i}", w) for i, w in enumerate(ws)))


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False),
    currency=currencies,
    ws=weights,
)
def test_amounts_finer_than_the_minor_unit_still_split_exactly(
    amount: Decimal, currency: str, ws: list[Decimal]
) -> None:
    """Dust below the cent (or the yen) lands on one partner, still within a unit of its share."""
    money = Money(amount, currency)
    parts = _rule(ws).split(money)
    exact = _rule(ws).exact_shares(money)
    assert sum(p.amount for p in parts.values()) == amount
    unit = minor_unit(currency)
    assert all(abs(Fraction(parts[p].amount) - exact[p]) < Fraction(unit) for p in parts)
    off_unit = [p for p in parts if parts[p].amount % unit]
    assert len(off_unit) <= 1


@given(
    amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
    currency=currencies,
    ws=weights,
)
def test_a_negative_amount_splits_as_the_mirror_of_a_positive_one(
    amount: Decimal, currency: str, ws: list[Decimal]
) -> None:
    """A dis-synergy is split exactly as the saving of the same size, with the sign turned."""
    positive = _rule(ws).split(Money(amount, currency))
    negative = _rule(ws).split(Money(-amount, currency))
    assert negative == {p: -m for p, m in positive.items()}


@given(
    amount=st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False),
    ws=weights,
)
def test_the_split_depends_only_on_the_amount_and_the_rule(
    amount: Decimal, ws: list[Decimal]
) -> None:
    """Deterministic: the same rule splits the same amount the same way, every time; a partner
    of weight zero gets nothing, and each part is a whole number of cents."""
    money = Money(amount, "EUR")
    first = _rule(ws).split(money)
    assert _rule(list(ws)).split(money) == first
    assert all(first[f"P{i}"].amount == 0 for i, w in enumerate(ws) if w == 0)
    assert all(p.amount == p.amount.quantize(CENT) for p in first.values())


def test_thirds_of_a_cent_amount_give_the_odd_cent_to_the_first_partner_listed() -> None:
    thirds = ((p, Decimal(1)) for p in ("RENAULT", "NISSAN", "MITSUBISHI"))
    parts = AllocationRule(AllocationMethod.volume, tuple(thirds)).split(Money.of("100", "EUR"))
    assert [(p, m.amount) for p, m in parts.items()] == [
        ("RENAULT", Decimal("33.34")),
        ("NISSAN", Decimal("33.33")),
        ("MITSUBISHI", Decimal("33.33")),
    ]
    listed_the_other_way = parse_allocation("NISSAN=50,RENAULT=50").split(Money.of("0.01", "EUR"))
    assert listed_the_other_way == {
        "NISSAN": Money.of("0.01", "EUR"),
        "RENAULT": Money.of("0", "EUR"),
    }


def test_fixed_shares_split_to_the_cent_and_the_yen() -> None:
    rule = parse_allocation("RENAULT=45,NISSAN=55")
    assert rule.split(Money.of("100.00", "EUR")) == {
        "RENAULT": Money.of("45.00", "EUR"),
        "NISSAN": Money.of("55.00", "EUR"),
    }
    assert rule.split(Money.of("0.05", "EUR")) == {  # exact 0.0225 / 0.0275: the larger remainder
        "RENAULT": Money.of("0.02", "EUR"),
        "NISSAN": Money.of("0.03", "EUR"),
    }
    assert rule.split(Money.of("1001", "JPY")) == {  # exact 450.45 / 550.55
        "RENAULT": Money.of("450", "JPY"),
        "NISSAN": Money.of("551", "JPY"),
    }


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
