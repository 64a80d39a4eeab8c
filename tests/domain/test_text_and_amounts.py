"""Amounts are ASCII decimals; names are one normal form without hidden characters."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.errors import InvalidInput
from synergies.domain.money import parse_decimal
from synergies.domain.text import clean_name


@pytest.mark.parametrize(
    "text", ["1_000", "١٢٣", "１２３", " 12", "12 ", "1,000.00", "1.000,00", "12\n", "", "+", "."]
)
def test_an_amount_that_is_not_a_plain_ascii_decimal_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a number") as refused:
        parse_decimal(text, field="amount")
    assert refused.value.field == "amount" and "ASCII" in (refused.value.fix or "")


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234.56", "1234.56"), ("-0.5", "-0.5"), ("+7", "7"), (".25", "0.25"), ("1e10", "1E+10")],
)
def test_plain_decimals_parse_exactly(text: str, value: str) -> None:
    assert parse_decimal(text, field="amount") == Decimal(value)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_every_decimal_written_out_parses_back(value: Decimal) -> None:
    assert parse_decimal(f"{value:f}", field="amount") == value


@pytest.mark.parametrize(
    "name",
    ["Ogi\u202eRedzic", "Ogi\u200bRedzic", "Ogi\x85Redzic", "Ogi\x00Redzic", "a\u2028b", "\ufeffx"],
)
def test_names_with_hidden_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match="U\\+") as refused:
        clean_name(name, field="name")
    assert refused.value.field == "name"


def test_names_are_stored_in_one_normal_form() -> None:
    decomposed = "Jose\u0301 Mun\u0303oz"
    assert clean_name(decomposed, field="name") == "José Muñoz"
    assert clean_name("José Muñoz", field="name") == clean_name(decomposed, field="name")
    assert clean_name("Carlos Ghosn", field="name") == "Carlos Ghosn"


@given(st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))))
def test_clean_names_are_nfc_and_stable(name: str) -> None:
    cleaned = clean_name(name, field="name")
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_name(cleaned, field="name") == cleaned
