"""Bad inputs are refused naming the field; side statuses and ramp profiles take effect."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.forecasting import (
    ForecastInitiative,
    ForecastSettings,
    Portfolio,
    Target,
    forecast,
)

SMALL = ForecastSettings(target_year=2018, trials=2_000, seed=1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stage": "L9"}, "stage"),
        ({"side_status": "paused"}, "side_status"),
        ({"ramp_months": -1}, "ramp_months"),
        ({"ramp_profile": (0.5, 1.5)}, "ramp_profile"),
        ({"probability": 1.2}, "probability"),
        ({"one_off_cost": Decimal(-1)}, "one_off_cost"),
    ],
)
def test_bad_initiatives_name_the_field(changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"id": "x", "function": "purchasing", "stage": "L2",
                                 "run_rate": Decimal(1), "start": Month(2016, 1)}  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        ForecastInitiative(**{**values, **changes})  # type: ignore[arg-type]
    assert refused.value.field == field and refused.value.fix


def test_duplicate_ids_and_out_of_horizon_targets_are_refused(alliance: Portfolio) -> None:
    with pytest.raises(InvalidInput):
        alliance.with_initiatives(alliance.initiatives[:1])
    with pytest.raises(InvalidInput) as refused:
        forecast(replace(alliance, targets=(Target(2020, Decimal(1)),)), SMALL)
    assert refused.value.field == "targets"
    with pytest.raises(InvalidInput):
        ForecastSettings(target_year=2018, rho=1.5)


def test_on_hold_starts_later_and_cancelled_adds_nothing(alliance: Portfolio) -> None:
    first = alliance.initiatives[0]
    solo = replace(alliance, initiatives=(first,), targets=())
    held = replace(solo, initiatives=(replace(first, side_status="on_hold"),))
    cancelled = replace(solo, initiatives=(replace(first, side_status="cancelled"),))
    base, later, none = (forecast(p, SMALL).years[1].mean for p in (solo, held, cancelled))
    assert none == pytest.approx(4.3e9, rel=0.01) and none < later < base


def test_ramp_profile_overrides_linear_ramp(alliance: Portfolio) -> None:
    first = replace(alliance.initiatives[0], probability=1.0, sigma=0.0, start=Month(2016, 1))
    settings = replace(
        SMALL, slippage={s: replace(v, kind="none") for s, v in SMALL.slippage.items()}
    )
    fixed = replace(alliance.baseline, sigma=0.0)
    stepped = replace(first, ramp_profile=(0.0,) * 6)  # nothing for six months, then full
    results = [
        forecast(replace(alliance, initiatives=(i,), targets=(), baseline=fixed), settings)
        for i in (first, stepped)
    ]
    run_rate = float(first.run_rate)
    assert results[1].years[0].mean - 4.3e9 == pytest.approx(run_rate / 2, rel=1e-9)
    assert results[0].years[0].mean > results[1].years[0].mean
