"""The pure pieces the rules stand on: the ramp to date, thresholds, figures as read."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergies.domain.alert_rules import ramp_to_date
from synergies.domain.alerts import Rule, Unit, checked_threshold, shown
from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput


def linear(months: int) -> tuple[Fraction, ...]:
    return tuple(Fraction(k + 1, months) for k in range(months - 1))


def test_a_twelve_month_ramp_lands_half_a_year_and_a_twelfth_in_its_first_year() -> None:
    start = Month(2016, 1)
    assert ramp_to_date(Decimal(1200), start, linear(12), Month(2015, 12)) == 0
    assert ramp_to_date(Decimal(1200), start, linear(12), start) == Decimal(100) / 12
    # 1/12 + 2/12 + ... + 11/12 + 1 of a month's 100: 650.
    assert ramp_to_date(Decimal(1200), start, linear(12), Month(2016, 12)) == 650
    assert ramp_to_date(Decimal(1200), start, linear(12), Month(2017, 12)) == 650 + 1200


@given(st.integers(0, 60), st.integers(1, 36))
def test_after_the_ramp_each_month_adds_a_twelfth_of_the_run_rate(ramp: int, extra: int) -> None:
    start, rate = Month(2014, 4), Decimal(12_000_000)
    end = start.plus(max(ramp, 1) + 24)
    later = ramp_to_date(rate, start, linear(ramp), end.plus(extra))
    assert later - ramp_to_date(rate, start, linear(ramp), end) == rate * extra / 12


@pytest.mark.parametrize(
    ("rule", "value"),
    [(Rule.behind_ramp, "100.5"), (Rule.unproven, "1.5"), (Rule.double_claim, "-1"),
     (Rule.leakage, "1e13"), (Rule.target_odds, "NaN")],
)  # fmt: skip
def test_a_threshold_beyond_its_unit_is_refused(rule: Rule, value: str) -> None:
    with pytest.raises(InvalidInput):
        checked_threshold(rule, Decimal(value))


def test_whole_thresholds_are_kept_plain() -> None:
    assert str(checked_threshold(Rule.gate_overdue, Decimal("45.00"))) == "45"
    assert str(checked_threshold(Rule.unproven, Decimal("1E+2"))) == "100"
    assert checked_threshold(Rule.behind_ramp, Decimal("12.5")) == Decimal("12.5")


def test_figures_read_as_a_board_reads_them() -> None:
    assert shown(Decimal("34.249"), Unit.percent) == "34.2 %"
    assert shown(Decimal("1250000"), Unit.eur) == "1,250,000.00 EUR"
    assert shown(Decimal(1185), Unit.days) == "1,185 days"
    assert shown(Decimal(2), Unit.lines) == "2 lines"
