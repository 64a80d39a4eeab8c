from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.calendar import FiscalCalendar, Month, parse_date
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.fx import FxRate, FxTable
from synergies.domain.money import Money, currency_code

MARCH_2016 = Month(2016, 3)
TABLE = FxTable(
    [FxRate(MARCH_2016, "JPY", Decimal("125.00")), FxRate(MARCH_2016, "USD", Decimal("1.10"))]
)


def test_conversion_goes_through_eur_and_says_its_rate() -> None:
    converted = TABLE.convert(Money.of("1000000", "JPY"), "USD", MARCH_2016)
    assert converted.result == Money(
        Decimal("1000000") * Decimal("1.10") / Decimal("125.00"), "USD"
    )
    assert converted.rate == Decimal("1.10") / Decimal("125.00")
    assert converted.result.rounded().amount == Decimal("8800.00")
    assert "2016-03" in converted.describe()


def test_a_missing_rate_is_not_guessed() -> None:
    with pytest.raises(NotFound, match="no FX rate for JPY in 2016-04"):
        TABLE.convert(Money.of("1", "JPY"), "EUR", Month(2016, 4))


@given(st.decimals(min_value=1, max_value=10**10, places=2))
def test_round_trip_eur_jpy_eur_is_within_a_cent(amount: Decimal) -> None:
    there = TABLE.convert(Money(amount, "EUR"), "JPY", MARCH_2016).result
    back = TABLE.convert(there, "EUR", MARCH_2016).result
    assert abs(back.amount - amount) < Decimal("0.01")


def test_money_refuses_to_mix_currencies() -> None:
    with pytest.raises(InvalidInput, match="cannot combine EUR with JPY"):
        Money.of("1", "EUR") + Money.of("1", "JPY")


def test_yen_round_to_whole_yen_and_euros_to_cents() -> None:
    assert Money.of("10.5", "JPY").rounded().amount == Decimal(10)  # half-even
    assert Money.of("0.125", "EUR").rounded().amount == Decimal("0.12")


@pytest.mark.parametrize("code", ["EURO", "XYZ", "", "12E"])
def test_unknown_currencies_are_refused_with_the_list(code: str) -> None:
    with pytest.raises(InvalidInput) as error:
        currency_code(code)
    assert "EUR" in (error.value.fix or "")


def test_nissan_fiscal_year_starts_in_april() -> None:
    nissan = FiscalCalendar(4)
    assert nissan.year_of(Month(2016, 3)) == 2015
    assert nissan.year_of(Month(2016, 4)) == 2016
    assert nissan.label(2015) == "FY2015"
    assert nissan.months(2015)[0] == Month(2015, 4) and nissan.months(2015)[-1] == Month(2016, 3)
    assert FiscalCalendar(1).year_of(Month(2016, 3)) == 2016


def test_month_arithmetic_crosses_years() -> None:
    assert Month(2015, 11).plus(3) == Month(2016, 2)
    assert Month(2015, 11).months_until(Month(2016, 2)) == 3


@pytest.mark.parametrize("text", ["2016-13", "2016/03", "March", "16-03"])
def test_malformed_months_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM|01-12"):
        Month.parse(text)


def test_malformed_dates_name_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        parse_date("2016-02-30", field="--on")
    assert error.value.field == "--on" and error.value.fix == "write it as YYYY-MM-DD"
    assert parse_date("2016-02-29") == date(2016, 2, 29)
