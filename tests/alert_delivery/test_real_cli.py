"""`synergies alerts send|webhook|subscribe` through the real entry point and `alerts` group,
with the rules' own evaluate over the example alliance."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date

import pytest

from synergies.cli.main import run
from synergies.delivery.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from synergies.services import alerts
from synergies.services.context import Context
from tests.alert_delivery.conftest import USERS, Receiver

DAY = "2017-06-30"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def synergies(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, admin: Context
) -> object:
    db = admin.store.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["synergies", *args, "--db", db])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            run()
        captured = capsys.readouterr()
        return Result(int(stop.value.code or 0), captured.out, captured.err)

    return invoke


def test_send_through_the_real_command(
    synergies: object, admin: Context, receiver: Receiver
) -> None:
    assert callable(synergies)
    added = synergies("alerts", "webhook", "add", receiver.url)
    assert added.code == 0, added.err
    secret = added.out.strip().splitlines()[-1]
    made = synergies("alerts", "subscribe", "--email", "ada@alliance.example", "--user",
                     USERS["admin"][0])  # fmt: skip
    assert made.code == 0, made.err

    expected = alerts.evaluate(admin, today=date.fromisoformat(DAY))
    shared = sorted(a.key for a in expected if a.confidential_to is None)
    dry = synergies("alerts", "send", "--on", DAY, "--dry-run", "-f", "json")
    assert dry.code == 0, dry.err
    assert json.loads(dry.out)["alerts"] == len(expected)
    assert receiver.received == []

    sent = synergies("alerts", "send", "--on", DAY, "-f", "json")
    assert sent.code == 1  # no mail server: the e-mail is not sent, and the exit code says so
    webhook = json.loads(sent.out)["targets"][0]
    assert (webhook["channel"], webhook["delivered"]) == ("webhook", len(shared))
    assert shared, "the example alliance fires alerts in mid-2017 (behind ramp, gates)"
    [arrived] = receiver.received
    assert sorted(a["key"] for a in arrived.json()["alerts"]) == shared
    stamp = arrived.headers[TIMESTAMP_HEADER]
    assert verify(secret, stamp, arrived.body, arrived.headers[SIGNATURE_HEADER])

    again = synergies("alerts", "send", "--on", DAY, "-f", "json")
    assert json.loads(again.out)["targets"][0]["delivered"] == 0
    assert len(receiver.received) == 1


def test_errors_name_the_flags_and_exit_with_their_code(synergies: object) -> None:
    assert callable(synergies)
    refused = synergies("alerts", "subscribe", "--email", "ada")
    assert refused.code == 2
    assert refused.err.startswith("error: --email: 'ada' is not an e-mail address")
    missing = synergies("alerts", "webhook", "remove", "7")
    assert (missing.code, missing.err.split(":")[1].strip()) == (3, "ID")
