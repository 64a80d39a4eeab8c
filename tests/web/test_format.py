"""How amounts read on a page: to the currency's minor unit, never a fraction of a yen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from synergies.schemas.common import MoneyOut
from synergies.web.format import exact, fraction, millions


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1234567.5", "EUR", "1,234,567.50"),
        ("-1234567", "JPY", "-1,234,567"),
        ("-98765", "KRW", "-98,765"),
        ("0", "USD", "0.00"),
    ],
)
def test_exact_shows_the_currencys_minor_unit(amount: str, currency: str, shown: str) -> None:
    assert exact(MoneyOut(amount=Decimal(amount), currency=currency)) == shown
    assert exact(Decimal(amount), currency) == shown


def test_a_bare_amount_reads_to_the_cent_and_nothing_reads_as_a_dash() -> None:
    assert exact(Decimal("4300000000")) == "4,300,000,000.00"
    assert exact(None) == millions(None) == fraction(None) == "–"
    assert millions(MoneyOut(amount=Decimal("4315400000"), currency="EUR")) == "4,315.4 m EUR"
