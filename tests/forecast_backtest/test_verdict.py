"""The backtest's verdict in plain words: built from the scores, hand-checkable."""

from __future__ import annotations

from synergies.forecasting.backtest import Point
from synergies.forecasting.verdict import verdict


def _point(as_of: int, year: int, realized: float, crps: float = 50e6) -> Point:
    p50 = 1_000e6  # band 900 m to 1,100 m around a P50 of 1,000 m
    q = (p50 - 100e6, p50 - 50e6, p50, p50 + 50e6, p50 + 100e6)
    trend = {"trend, t": 100e6, "log-growth, t": 25e6, "ensemble": 40e6}
    return Point(as_of, year, q, p50, realized, 0.5, crps, yardsticks=trend)


def test_the_verdict_counts_the_band_and_says_which_way_the_forecast_ran() -> None:
    # One year ahead: 1,050 m and 1,030 m inside, 1,200 m above: 2 of 3 held; realized -
    # P50 = +50, +30, +200: mean +93 m, the forecast ran low. Two years ahead: 800 m, outside.
    points = [_point(2013, 2014, 1_050e6), _point(2014, 2015, 1_030e6),
              _point(2015, 2016, 1_200e6), _point(2013, 2015, 800e6)]  # fmt: skip
    found = verdict(points)
    assert (found.held, found.years, found.held_all, found.points_all) == (2, 3, 2, 4)
    assert found.sentences[0] == (
        "The 80% band (P10-P90) held 2 of 3 years one year ahead, 2 of 4 over all horizons."
    )
    assert found.sentences[1] == "One year ahead the forecast ran 93 m low on average."
    # CRPS 50 m against 100, 25 and 40 m: skill +0.5, -1 and -0.25.
    assert dict(found.skills) == {"trend, t": 0.5, "log-growth, t": -1.0, "ensemble": -0.25}
    assert found.sentences[2] == "Over all horizons it beat a straight line with t-intervals."
    assert found.sentences[3] == (
        "It did no better than compound growth with t-intervals (-1.00) and the mix of both "
        "(-0.25): skill at or below 0."
    )
    assert found.text == " ".join(found.sentences)


def test_a_forecast_that_ran_high_says_so_and_no_years_say_too_few() -> None:
    high = verdict([_point(2013, 2014, 950e6), _point(2014, 2015, 930e6)])
    assert "ran 60 m high on average" in high.text
    assert verdict([]).text == "Too few years were realized to judge the forecast."
