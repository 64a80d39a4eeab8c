"""The one FX rule for amounts that lie partly in the future: plans, targets, forecasts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.calendar import Month
from synergies.domain.errors import NotFound
from synergies.domain.fx import FxRate, FxTable
from synergies.domain.money import Money

TABLE = FxTable([
    FxRate(Month(2015, 12), "JPY", Decimal("131.00")),
    FxRate(Month(2016, 3), "JPY", Decimal("125.00")),
    FxRate(Month(2016, 1), "USD", Decimal("1.08")),
    FxRate(Month(2016, 6), "USD", Decimal("1.12")),
])  # fmt: skip


def test_a_month_with_a_rate_uses_it() -> None:
    done = TABLE.convert_planned(Money.of(125_000_000, "JPY"), "EUR", Month(2016, 3))
    assert done.month == Month(2016, 3) and done.result.rounded() == Money.of(1_000_000, "EUR")


def test_a_month_beyond_the_table_uses_the_latest_rate_before_it() -> None:
    target = TABLE.convert_planned(Money.of(131_000_000, "JPY"), "EUR", Month(2018, 12))
    assert target.month == Month(2016, 3)
    gap = TABLE.convert_planned(Money.of(131_000_000, "JPY"), "EUR", Month(2016, 2))
    assert gap.month == Month(2015, 12) and gap.result.rounded() == Money.of(1_000_000, "EUR")


def test_two_foreign_currencies_take_the_latest_month_that_has_both() -> None:
    # JPY is known in 2015-12 and 2016-03, USD in 2016-01 and 2016-06: no month holds both,
    # so the rule refuses rather than mix two months' rates in one conversion.
    with pytest.raises(NotFound) as refused:
        TABLE.convert_planned(Money.of(1, "JPY"), "USD", Month(2016, 12))
    assert refused.value.field == "fx_rates"
    both = FxTable([*_rates(TABLE), FxRate(Month(2016, 3), "USD", Decimal("1.10"))])
    assert both.rate_month("JPY", "USD", Month(2017, 12)) == Month(2016, 3)


def test_before_the_first_rate_is_refused() -> None:
    with pytest.raises(NotFound, match="no FX rate for JPY up to 2015-11"):
        TABLE.convert_planned(Money.of(1, "JPY"), "EUR", Month(2015, 11))


def test_euro_needs_no_rate() -> None:
    assert FxTable().rate_month("EUR", "EUR", Month(2030, 1)) == Month(2030, 1)


@given(st.integers(2010, 2030), st.integers(1, 12))
def test_the_rule_never_looks_ahead_and_agrees_with_the_months_own_rate(
    year: int, month: int
) -> None:
    asked = Month(year, month)
    try:
        used = TABLE.rate_month("JPY", "EUR", asked)
    except NotFound:
        assert asked < Month(2015, 12)
        return
    assert used <= asked
    assert (used, "JPY") in TABLE.rates
    if (asked, "JPY") in TABLE.rates:
        assert used == asked


def _rates(table: FxTable) -> list[FxRate]:
    return [FxRate(m, c, r) for (m, c), r in table.rates.items()]
