"""What-if: converging more functions adds hypothetical initiatives, never mutates inputs."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.forecasting import ForecastSettings, Portfolio, Scenario, converge, what_if

SETTINGS = ForecastSettings(target_year=2018, trials=5_000, seed=9)


def sales_and_connected() -> Scenario:
    return Scenario(
        "converge sales & marketing and connected services",
        (
            converge("sales & marketing", Month(2017, 1), Decimal("0.03"), Decimal("6e9"), 12),
            converge(
                "connected services",
                Month(2016, 10),
                Decimal("0.10"),
                Decimal("1e9"),
                18,
                stage="L2",
                one_off_cost=Decimal("5e7"),
            ),
        ),
    )


def test_converge_builds_a_hypothetical_initiative() -> None:
    move = converge("sales & marketing", Month(2017, 1), Decimal("0.03"), Decimal("6e9"), 12)
    assert move.run_rate == Decimal("1.8e8") and move.hypothetical and move.stage == "L1"
    with pytest.raises(InvalidInput) as refused:
        converge("aftersales", Month(2017, 1), Decimal(3), Decimal("1e9"), 12)
    assert refused.value.field == "saving_pct"


def test_moves_add_to_p50_and_odds_without_touching_inputs(alliance: Portfolio) -> None:
    scenario = sales_and_connected()
    before_portfolio, before_scenario = copy.deepcopy(alliance), copy.deepcopy(scenario)
    result = what_if(alliance, scenario, SETTINGS)
    assert alliance == before_portfolio and scenario == before_scenario
    assert len(result.with_scenario.tornado.initiatives) == len(alliance.initiatives) + 2
    assert result.years[-1].p50_change > 0 and result.years[-1].mean_change > 0
    final = result.targets[-1]
    assert final.change >= 0 and final.scenario_probability >= final.base_probability
    assert all(d.hypothetical for d in result.with_scenario.tornado.initiatives
               if d.name.startswith("converge"))  # fmt: skip


def test_common_random_numbers_leave_shared_initiatives_unchanged(alliance: Portfolio) -> None:
    dud = converge("aftersales", Month(2017, 1), Decimal("0.05"), Decimal("1e9"), 6)
    nothing = Scenario("cancelled move", (replace(dud, side_status="cancelled"),))
    result = what_if(alliance, nothing, SETTINGS)
    assert np.array_equal(result.base.totals, result.with_scenario.totals)
    assert all(t.change == 0 and t.standard_error == 0 for t in result.targets)


def test_shared_draws_make_the_gain_non_negative_in_every_trial(alliance: Portfolio) -> None:
    result = what_if(alliance, sales_and_connected(), SETTINGS)
    gain = result.with_scenario.totals[:, -1] - result.base.totals[:, -1]
    assert gain.min() >= 0  # the same draws for shared initiatives: moves only ever add here
