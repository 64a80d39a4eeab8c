"""The CLI and the API give the same alerts and settings, each as one document."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.cli.main import run
from synergies.domain.accounts import Role
from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

PASSWORD = "correct horse battery"


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        *args: str) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr(sys, "argv", ["synergies", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        run()
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out, err


def test_the_cli_lists_what_fires_as_json(
    example_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli(capsys, monkeypatch, "alerts", "--db", example_url, "--on", "2016-03-31",
                       "--format", "json")  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["on"] == "2016-03-31"
    found = {a["key"]: a for a in document["alerts"]}
    hr = found["behind ramp:HR-001"]
    assert (hr["rule"], hr["initiative_id"], hr["figure"], hr["threshold"]) == (
        "behind ramp", "HR-001", "100.0 %", "20.0 %"
    )  # fmt: skip
    assert found["gate overdue:ENG-002"]["figure"] == "90 days"
    assert found["target odds:2022"]["subject"] == "2022"


def test_the_cli_sets_thresholds_and_switches_rules(
    example_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli(capsys, monkeypatch, "alerts", "rules", "--db", example_url, "--set",
                       "behind ramp=50", "--disable", "gate_overdue", "--format", "json")  # fmt: skip
    assert code == 0
    rules = {r["rule"]: r for r in json.loads(out)}
    assert rules["behind ramp"]["threshold"] == "50" and rules["behind ramp"]["unit"] == "%"
    assert rules["gate overdue"]["enabled"] is False
    code, out, _ = cli(capsys, monkeypatch, "alerts", "--db", example_url, "--on", "2016-03-31",
                       "-f", "csv")  # fmt: skip
    assert code == 0 and out.startswith("initiative,rule,figure,threshold,message")
    assert "gate overdue" not in out and "ENG-001" not in out.split("target odds")[0]


def test_the_cli_names_the_rules_it_knows(
    example_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(capsys, monkeypatch, "alerts", "rules", "--db", example_url, "--set",
                       "slippage=5")  # fmt: skip
    assert code != 0 and "no alert rule 'slippage'" in err and "'behind ramp'" in err


def test_the_cli_records_a_rebasing_decision_only_for_a_measured_source(
    example_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(capsys, monkeypatch, "alerts", "baseline-decision", "purchases",
                       "--db", example_url, "--on", "2016-03-01", "--reference", "PC #3")  # fmt: skip
    assert code != 0 and "no measurement run of a source 'purchases'" in err


@pytest.fixture
def client(ctx_admin: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx_admin.store)) as served:
        yield served


@pytest.fixture
def ctx_admin(example_url: str) -> Iterator[Context]:
    store = Store.open(example_url)
    yield Context(store, local_operator())
    store.engine.dispose()


def token(ctx: Context, name: str, role: Role, partner: str | None = None) -> dict[str, str]:
    accounts.add_user(ctx, name, role, PASSWORD, partner=partner)
    secret = accounts.create_token(ctx, name, timedelta(hours=1), "test").secret
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_gives_the_alerts_and_an_admin_sets_a_rule(
    client: TestClient, ctx_admin: Context
) -> None:
    admin = token(ctx_admin, "ada.admin", Role.admin)
    viewer = token(ctx_admin, "vic.viewer", Role.viewer, "NISSAN")
    answer = client.get("/alerts?on=2016-03-31", headers=viewer)
    assert answer.status_code == 200
    keys = {a["key"] for a in answer.json()["alerts"]}
    assert {"behind ramp:HR-001", "gate overdue:ENG-002"} <= keys
    refused = client.put("/alerts/rules/behind%20ramp", json={"threshold": "50"}, headers=viewer)
    assert refused.status_code == 403
    done = client.put("/alerts/rules/behind%20ramp", json={"threshold": "50"}, headers=admin)
    assert done.status_code == 200 and done.json()["threshold"] == "50"
    rules = client.get("/alerts/rules", headers=viewer).json()
    assert rules[0] == {**done.json(), "rule": "behind ramp"}
    wrong = client.put("/alerts/rules/target%20odds", json={"threshold": "150"}, headers=admin)
    assert wrong.status_code == 422 and wrong.json()["field"] == "threshold"
    assert client.get("/alerts").status_code == 401
