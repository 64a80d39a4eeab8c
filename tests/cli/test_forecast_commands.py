"""Forecast, what-if, payback and plans from the command line."""

from __future__ import annotations

import json

from tests.cli.conftest import Invoke


def test_forecast_json_has_odds_with_standard_errors(cli: Invoke, db: str) -> None:
    result = cli(
        "forecast", "--as-of", "2015", "--register", "--trials", "5000", "--format", "json"
    )
    assert result.code == 0, result.err
    document = json.loads(result.out)
    target = next(t for t in document["targets"] if t["year"] == 2018)
    assert 0 < float(target["probability"]) < 1
    assert float(target["standard_error"]) > 0
    again = json.loads(
        cli("forecast", "--as-of", "2015", "--register", "--trials", "5000", "--format", "json").out
    )
    assert again == document  # same seed, same figures


def test_forecast_table_names_what_it_left_out(cli: Invoke, db: str) -> None:
    out = cli("forecast", "--as-of", "2015", "--register", "--trials", "2000").out
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
    document = json.loads(cli("payback", "--initiative", "ENG-006", "--format", "json").out)
    (eng6,) = document["initiatives"]
    assert eng6["name"] == "ENG-006" and eng6["payback_month"] == "2016-11"
    assert document["alliance"]["one_off_cost"] == eng6["one_off_cost"]
    csv_lines = cli("payback", "--initiative", "ENG-006", "--format", "csv").out.splitlines()
    assert csv_lines[0].startswith("name,one_off_cost") and csv_lines[-1].startswith("alliance,")
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


def test_forecast_prints_in_every_format(cli: Invoke, db: str) -> None:
    small = ("forecast", "--as-of", "2015", "--trials", "2000")
    assert cli(*small, "--format", "csv").out.startswith("year,mean,p10,p50,p90,std\n2016,")
    out = cli(*small).out
    assert "P(meet)" in out and "By function" in out and "█" in out
    assert "Baseline: 4,300,000,000 EUR realized in 2015" in out


def test_whatif_csv_is_the_years_rows(cli: Invoke, db: str) -> None:
    out = cli("whatif", "converge", "sales-marketing", "--from", "2016-07-01", "--saving", "3",
              "--of-cost-base", "1e10", "--as-of", "2015", "--trials", "2000",
              "--format", "csv").out  # fmt: skip
    lines = out.splitlines()
    assert lines[0] == "year,base_p50,scenario_p50,p50_change,mean_change" and len(lines) == 4


def test_a_malformed_move_is_one_line_and_exit_2(cli: Invoke, db: str) -> None:
    main = ("whatif", "converge", "sales-marketing", "--from", "2016-07-01", "--saving", "3",
            "--of-cost-base", "1e10", "--trials", "1000")  # fmt: skip
    for move in ("connected-services:2017-01-01:5", "connected-services:2017-01-01:5:2e9:x",
                 "connected-services:2017-01-01:5:2e9:12:L9"):  # fmt: skip
        refused = cli(*main, "--and", move)
        assert refused.code == 2 and "--and" in refused.err, move
        assert "Traceback" not in refused.err and len(refused.err.strip().splitlines()) == 1
    too_much = cli(*main[:5], "--saving", "300", *main[7:])
    assert too_much.code == 2 and "300" in too_much.err


def test_plan_list_shows_each_locked_plan(cli: Invoke, db: str) -> None:
    assert cli("plan", "lock", "budget 2016").code == 0
    (plan,) = json.loads(cli("plan", "list", "--format", "json").out)
    assert (plan["name"], plan["initiatives"]) == ("budget 2016", 12)
    assert plan["run_rate_eur"] == "5880000000.00"
