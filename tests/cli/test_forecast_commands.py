"""Forecast, what-if, payback and plans from the command line."""

from __future__ import annotations

import json

from tests.cli.conftest import Invoke


def test_forecast_json_has_odds_with_standard_errors(cli: Invoke, db: str) -> None:
    result = cli("forecast", "--as-of", "2015", "--trials", "5000", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    target = next(t for t in document["targets"] if t["year"] == 2018)
    assert 0 < float(target["probability"]) < 1
    assert float(target["standard_error"]) > 0
    again = json.loads(
        cli("forecast", "--as-of", "2015", "--trials", "5000", "--format", "json").out
    )
    assert again == document  # same seed, same figures


def test_forecast_table_names_what_it_left_out(cli: Invoke, db: str) -> None:
    out = cli("forecast", "--as-of", "2015", "--trials", "2000").out
    assert "PUR-004: savings under the DAIMLER agreement are excluded" in out
    assert "What drives the 2018 uncertainty" in out


def test_whatif_converging_sales_and_marketing_raises_the_odds(cli: Invoke, db: str) -> None:
    result = cli("whatif", "converge", "sales-marketing", "--from", "2016-07-01", "--saving", "3",
                 "--of-cost-base", "10000000000", "--and", "connected-services:2017-01-01:5:2000000000",
                 "--as-of", "2015", "--trials", "5000", "--format", "json")  # fmt: skip
    assert result.code == 0, result.err
    document = json.loads(result.out)
    target = next(t for t in document["targets"] if t["year"] == 2018)
    assert float(target["scenario_probability"]) > float(target["base_probability"])
    # Nothing hypothetical reached the initiatives.
    ids = {r["id"] for r in json.loads(cli("initiatives", "--format", "json").out)}
    assert not any(i.startswith("converge") for i in ids)


def test_whatif_refuses_an_unknown_function(cli: Invoke, db: str) -> None:
    result = cli("whatif", "converge", "marketing", "--from", "2016-07-01", "--saving", "3",
                 "--of-cost-base", "1000")  # fmt: skip
    assert result.code == 3 and "unknown function 'marketing'" in result.err


def test_payback_and_plans(cli: Invoke, db: str) -> None:
    rows = json.loads(cli("payback", "--initiative", "ENG-006", "--format", "json").out)
    assert rows[0]["name"] == "ENG-006" and rows[0]["payback_month"] == "2016-11"
    assert cli("plan", "lock", "budget 2016").code == 0
    refused = cli("plan", "lock", "budget 2016")
    assert refused.code == 5 and "never changes" in refused.err
    compared = json.loads(
        cli("plan", "compare", "budget 2016", "--year", "2016", "--format", "json").out
    )
    assert {r["initiative"] for r in compared["initiatives"]} >= {"PUR-003", "ENG-001"}


def test_setting_an_initiatives_probability(cli: Invoke, db: str) -> None:
    assert cli("initiative", "probability", "ENG-005", "--set", "0.9").code == 0
    shown = json.loads(cli("initiative", "show", "ENG-005", "--format", "json").out)
    assert shown["probability"] == "0.9"
    refused = cli("initiative", "probability", "ENG-005", "--set", "2")
    assert refused.code == 2 and "not between 0 and 1" in refused.err
    assert cli("initiative", "probability", "ENG-005", "--clear").code == 0
