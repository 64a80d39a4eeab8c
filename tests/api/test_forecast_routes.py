"""Forecast, what-if, payback and plans over HTTP: the same documents as the CLI's JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synergies.cli.main import run
from synergies.storage.store import Store

CliJson = Callable[..., Any]
SMALL = {"as_of": 2015, "trials": 3_000, "seed": 7}
MOVES = [
    {"function": "sales-marketing", "start": "2016-07-01", "saving_percent": "3",
     "cost_base": "10000000000"},
    {"function": "connected-services", "start": "2017-01-01", "saving_percent": "5",
     "cost_base": "2000000000"},
]  # fmt: skip


@pytest.fixture
def cli_json(
    api_store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> CliJson:
    """`synergies ARGS --format json` on the API's store, parsed."""
    monkeypatch.setenv("SYNERGIES_DB", api_store.engine.url.render_as_string(hide_password=False))

    def invoke(*args: str) -> Any:
        monkeypatch.setattr(sys, "argv", ["synergies", *args, "--format", "json"])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            run()
        captured = capsys.readouterr()
        assert stop.value.code in (0, None), captured.err
        return json.loads(captured.out)

    return invoke


def test_the_forecast_is_the_same_document_as_the_cli_prints(
    client: TestClient, as_role: dict[str, dict[str, str]], cli_json: CliJson
) -> None:
    got = client.get("/forecast", params={**SMALL, "register": True},
                     headers=as_role["nissan_viewer"])  # fmt: skip
    assert got.status_code == 200
    printed = cli_json(
        "forecast", "--as-of", "2015", "--register", "--trials", "3000", "--seed", "7"
    )
    assert got.json() == printed
    known = client.get("/forecast", params=SMALL, headers=as_role["nissan_viewer"]).json()
    assert known["view"] == "known then"
    assert known == cli_json("forecast", "--as-of", "2015", "--trials", "3000", "--seed", "7")
    document = got.json()
    assert document["as_of"] == 2015 and document["baseline"] == "4300000000"
    assert {t["year"] for t in document["targets"]} == {2016, 2018}
    why = {e["initiative"]: e["reason"] for e in document["excluded"]}
    assert "DAIMLER" in why["PUR-004"] and "no figures" in why["PUR-900"]


def test_what_if_payback_and_comparison_match_the_cli(
    client: TestClient, as_role: dict[str, dict[str, str]], cli_json: CliJson
) -> None:
    body = {"moves": MOVES, **SMALL}
    got = client.post("/forecast/whatif", json=body, headers=as_role["nissan_viewer"])
    assert got.status_code == 200
    printed = cli_json(
        "whatif", "converge", "sales-marketing", "--from", "2016-07-01", "--saving", "3",
        "--of-cost-base", "10000000000", "--and", "connected-services:2017-01-01:5:2000000000",
        "--as-of", "2015", "--trials", "3000", "--seed", "7",
    )  # fmt: skip
    assert got.json() == printed
    to_2018 = next(t for t in got.json()["targets"] if t["year"] == 2018)
    assert float(to_2018["scenario_probability"]) > float(to_2018["base_probability"])

    paid = client.get("/payback", params={"initiative": "ENG-006"}, headers=as_role["admin"])
    assert paid.json() == cli_json("payback", "--initiative", "ENG-006")
    assert paid.json()["initiatives"][0]["payback_month"] == "2016-11"

    assert (
        client.post("/plans", json={"name": "budget 2016"}, headers=as_role["lead"]).status_code
        == 201
    )
    compared = client.get("/plans/budget 2016/compare", params={"year": 2016},
                          headers=as_role["nissan_viewer"])  # fmt: skip
    assert compared.json() == cli_json("plan", "compare", "budget 2016", "--year", "2016")
    listed = client.get("/plans", headers=as_role["nissan_viewer"]).json()
    assert listed == cli_json("plan", "list")


def test_a_plan_is_locked_once_and_read_back_unchanged(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    lead, viewer = as_role["lead"], as_role["nissan_viewer"]
    locked = client.post("/plans", json={"name": "budget 2016"}, headers=lead)
    assert locked.status_code == 201
    again = client.post("/plans", json={"name": "budget 2016"}, headers=lead)
    assert again.status_code == 409 and again.json()["field"] == "name"
    assert "never changes" in again.json()["fix"]
    read = client.get("/plans/budget 2016", headers=viewer)
    assert read.json() == locked.json()
    assert {i["id"] for i in read.json()["items"]} >= {"PUR-003", "ENG-001"}
    refused = client.post("/plans", json={"name": "budget 2017"}, headers=viewer)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "field"),
    [
        ("GET", "/forecast?as_of=2005&trials=100", None, 404, "as_of"),
        ("GET", "/forecast?as_of=2015&target_year=2015&trials=100", None, 422, "target_year"),
        ("POST", "/forecast/whatif", {"moves": [{**MOVES[0], "function": "marketing"}],
                                      "trials": 100}, 404, "function"),
        ("POST", "/forecast/whatif", {"moves": [{**MOVES[0], "saving_percent": "0"}],
                                      "trials": 100}, 422, "saving_percent"),
        ("GET", "/payback?initiative=ENG-999", None, 404, "initiative"),
        ("GET", "/payback?until=2000-01", None, 404, "until"),
        ("GET", "/plans/budget 2030", None, 404, "name"),
    ],
)  # fmt: skip
def test_refusals_name_the_neutral_field_never_a_flag(
    client: TestClient, as_role: dict[str, dict[str, str]], method: str, url: str,
    body: dict[str, object] | None, status: int, field: str,
) -> None:  # fmt: skip
    got = client.request(method, url, json=body, headers=as_role["admin"])
    assert (got.status_code, got.json()["field"]) == (status, field)
    assert "--" not in json.dumps(got.json())


def test_a_server_caps_the_trials_a_request_may_ask_for(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    got = client.get("/forecast?trials=10000000", headers=as_role["admin"])
    assert got.status_code == 422 and got.json()["field"] == "query.trials"
    empty = client.post("/forecast/whatif", json={"moves": []}, headers=as_role["admin"])
    assert empty.status_code == 422 and empty.json()["field"] == "body.moves"


def test_the_forecast_says_which_model_terms_are_on_and_shows_them_as_drivers(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    """From the end of 2017 the store's backtest switches intake on (it wins
    leave-one-year-out CRPS) and growth off; the tornado carries intake as a driver."""
    params = {"target_year": 2018, "trials": 3000, "seed": 7}
    document = client.get("/forecast", params=params, headers=as_role["admin"]).json()
    terms = document["terms"]
    assert terms["on"] == ["initiatives not yet identified"]
    assert terms["off"] == ["growth of realized savings"] and terms["growth"] is None
    assert terms["intake"]["rate"] > 0 and 0 < terms["intake"]["probability"] <= 1
    drivers = {d["driver"]: d for d in document["tornado"]["terms"]}
    assert set(drivers) == {"initiatives not yet identified"}
    assert drivers["initiatives not yet identified"]["kind"] == "term"
    assert float(drivers["initiatives not yet identified"]["variance_share"]) > 0
