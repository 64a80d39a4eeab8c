"""Payback on the plan, checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.forecasting import ForecastInitiative, alliance_payback, payback


def tyres(**changes: object) -> ForecastInitiative:
    values: dict[str, object] = {
        "id": "tyres", "function": "purchasing", "stage": "L3",
        "run_rate": Decimal(1_200_000), "start": Month(2016, 1), "ramp_months": 3,
        "one_off_cost": Decimal(500_000),
    }  # fmt: skip
    values.update(changes)
    return ForecastInitiative(**values)  # type: ignore[arg-type]


def test_hand_checked_payback_month() -> None:
    # 100,000 EUR a month at full ramp, ramping 1/3, 2/3, 1: cumulative savings
    # Jan 33,333.33 / Feb 100,000 / Mar 200,000 / Apr 300,000 / May 400,000 / Jun 500,000.
    result = payback(tyres(), Month(2016, 12))
    assert result.payback_month == Month(2016, 6)
    assert result.months_to_payback == 5
    assert result.cumulative_savings == Decimal("1100000.00")
    assert result.net == Decimal("600000.00")


def test_cost_paid_later_moves_payback_after_it() -> None:
    result = payback(tyres(one_off_month=Month(2016, 9)), Month(2016, 12))
    assert result.payback_month == Month(2016, 9)  # savings already cover it when it lands


def test_not_paid_back_within_the_horizon() -> None:
    result = payback(tyres(one_off_cost=Decimal(5_000_000)), Month(2016, 12))
    assert result.payback_month is None and result.months_to_payback is None


def test_alliance_pools_costs_and_savings() -> None:
    late = tyres(id="late", start=Month(2016, 7), one_off_month=Month(2016, 7))
    result = alliance_payback((tyres(), late), Month(2017, 6))
    assert result.one_off_cost == Decimal(1_000_000)
    # By June 500,000 saved covers the first cost; in July the second 500,000 lands while
    # savings reach only 633,333.33; August 800,000; September 1,000,000: paid back.
    assert result.payback_month == Month(2016, 9)


def test_horizon_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidInput):
        payback(tyres(), Month(2015, 12))
