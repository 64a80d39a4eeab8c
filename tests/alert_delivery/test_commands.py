"""`synergies alerts send|subscribe|unsubscribe|subscriptions|webhook` on a store.

Until the `alerts` group exists (cli/alert_commands.py), the commands are registered on a
group of the test's own; `alerts send` runs the rules' evaluate, replaced here by a stand-in.
"""

from __future__ import annotations

import importlib
import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from synergies.cli import alert_delivery_commands
from synergies.delivery.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from synergies.domain.alerts import Alert
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.services import audit_trail
from synergies.services.context import Context
from tests.alert_delivery.conftest import (
    ALERTS,
    LEAKAGE,
    SENDER,
    SMTP_PASSWORD,
    SMTP_USER,
    USERS,
    Receiver,
    SmtpServer,
)


@pytest.fixture
def alerts_app() -> typer.Typer:
    group = typer.Typer(no_args_is_help=True)
    alert_delivery_commands.register(group)
    return group


@pytest.fixture
def db(admin: Context) -> str:
    return admin.store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def firing(monkeypatch: pytest.MonkeyPatch) -> list[Alert]:
    """What the rules find: the test's alerts, whatever the store holds."""
    found = list(ALERTS)

    def evaluate(ctx: Context, *, today: object = None) -> list[Alert]:
        return list(found)

    try:
        rules = importlib.import_module("synergies.services.alerts")
    except ModuleNotFoundError:
        rules = types.ModuleType("synergies.services.alerts")
        monkeypatch.setitem(sys.modules, "synergies.services.alerts", rules)
    monkeypatch.setattr(rules, "evaluate", evaluate, raising=False)
    return found


def _run(app: typer.Typer, args: Sequence[str], env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def _smtp_env(smtp: SmtpServer) -> dict[str, str]:
    return {"SYNERGIES_SMTP_HOST": smtp.host, "SYNERGIES_SMTP_PORT": str(smtp.port),
            "SYNERGIES_SMTP_USER": SMTP_USER, "SYNERGIES_SMTP_PASSWORD": SMTP_PASSWORD,
            "SYNERGIES_SMTP_FROM": SENDER, "SYNERGIES_SMTP_CAFILE": str(smtp.cafile)}  # fmt: skip


@pytest.mark.usefixtures("firing")
def test_send_delivers_to_the_webhook_and_the_subscribers(
    alerts_app: typer.Typer, db: str, receiver: Receiver, smtp: SmtpServer
) -> None:
    added = _run(alerts_app, ["webhook", "add", receiver.url, "--db", db])
    secret = added.strip().splitlines()[-1]
    assert secret.startswith("whsec_")
    _run(alerts_app, ["subscribe", "--email", "rene@renault.example", "--user",
                      USERS["renault_controller"][0], "--db", db])  # fmt: skip
    _run(alerts_app, ["subscribe", "--email", "nobu@nissan.example", "--rule", "leakage",
                      "--rule", "behind ramp", "--user", USERS["viewer"][0], "--db", db])  # fmt: skip

    out = _run(alerts_app, ["send", "--db", db, "--format", "json"], _smtp_env(smtp))
    summary = json.loads(out)
    by_target = {t["target"]: t for t in summary["targets"]}
    assert by_target["rene@renault.example"]["delivered"] == 4
    assert by_target["nobu@nissan.example"]["delivered"] == 1  # leakage is Renault's secret
    assert by_target["nobu@nissan.example"]["withheld"] == 1
    [arrived] = receiver.received
    stamp = arrived.headers[TIMESTAMP_HEADER]
    assert verify(secret, stamp, arrived.body, arrived.headers[SIGNATURE_HEADER])
    assert [m.to for m in smtp.mails] == [["rene@renault.example"], ["nobu@nissan.example"]]

    again = _run(alerts_app, ["send", "--db", db], _smtp_env(smtp))
    assert "0 deliveries made" in again
    assert (len(receiver.received), len(smtp.mails)) == (1, 2)


@pytest.mark.usefixtures("firing")
def test_send_dry_run_and_failures(
    alerts_app: typer.Typer, db: str, plain_smtp: SmtpServer
) -> None:
    _run(alerts_app, ["subscribe", "--email", "ada@alliance.example", "--user",
                      USERS["admin"][0], "--db", db])  # fmt: skip
    dry = _run(alerts_app, ["send", "--dry-run", "--db", db], _smtp_env(plain_smtp))
    assert "would deliver" in dry and "dry run: nothing sent" in dry

    result = CliRunner().invoke(alerts_app, ["send", "--db", db], env=_smtp_env(plain_smtp))
    assert result.exit_code == 1  # a cron job sees the failure
    assert "4 failed (tried again at the next send)" in result.output
    assert plain_smtp.mails == []


@pytest.mark.usefixtures("firing")
def test_send_needs_a_sender_when_mail_is_configured(
    alerts_app: typer.Typer, db: str, smtp: SmtpServer
) -> None:
    env = {k: v for k, v in _smtp_env(smtp).items() if k != "SYNERGIES_SMTP_FROM"}
    with pytest.raises(InvalidInput, match="sender"):
        _run(alerts_app, ["send", "--db", db], env)


def test_subscriptions_are_listed_and_ended(alerts_app: typer.Typer, db: str) -> None:
    made = _run(alerts_app, ["subscribe", "--email", "naoko@nissan.example", "--function",
                             "purchasing", "--user", USERS["nissan_controller"][0], "--db", db])  # fmt: skip
    assert "subscription 1: naoko.controller at naoko@nissan.example" in made
    listed = json.loads(_run(alerts_app, ["subscriptions", "--db", db, "--format", "json"]))
    assert listed[0] | {"created_at": ""} == {
        "id": 1, "user": "naoko.controller", "email": "naoko@nissan.example", "rules": "all",
        "functions": "purchasing", "created_at": ""}  # fmt: skip
    with pytest.raises(Conflict):
        _run(alerts_app, ["subscribe", "--email", "NAOKO@nissan.example", "--user",
                          "naoko.controller", "--db", db])  # fmt: skip
    assert "ended subscription 1" in _run(alerts_app, ["unsubscribe", "1", "--db", db])
    assert json.loads(_run(alerts_app, ["subscriptions", "--db", db, "-f", "json"])) == []


def test_subscribe_refuses_what_it_cannot_deliver(alerts_app: typer.Typer, db: str) -> None:
    base = ["subscribe", "--db", db, "--user", USERS["admin"][0]]
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        _run(alerts_app, [*base, "--email", "Ada <ada@example.com>"])
    with pytest.raises(InvalidInput, match="unknown rule"):
        _run(alerts_app, [*base, "--email", "a@example.com", "--rule", "late lunch"])
    with pytest.raises(NotFound, match="unknown function"):
        _run(alerts_app, [*base, "--email", "a@example.com", "--function", "catering"])
    with pytest.raises(NotFound, match="has no user account"):  # the local operator has none
        _run(alerts_app, ["subscribe", "--db", db, "--email", "a@example.com"])


def test_webhooks_never_show_their_secret_again(
    alerts_app: typer.Typer, db: str, admin: Context
) -> None:
    secret = _run(alerts_app, ["webhook", "add", "https://hooks.example/s", "--db", db])
    secret = secret.strip().splitlines()[-1]
    listed = _run(alerts_app, ["webhook", "list", "--db", db, "-f", "json"])
    assert json.loads(listed)[0]["url"] == "https://hooks.example/s"
    assert secret not in listed
    trail = json.dumps([str(r) for r in audit_trail.records(admin)])
    assert "webhook.add" in trail and "hooks.example" in trail
    assert secret not in trail
    assert "removed webhook 1" in _run(alerts_app, ["webhook", "remove", "1", "--db", db])
    assert json.loads(_run(alerts_app, ["webhook", "list", "--db", db, "-f", "json"]))[0][
        "active"] is False  # fmt: skip
    with pytest.raises(InvalidInput, match="credentials"):
        _run(alerts_app, ["webhook", "add", "https://u:p@hooks.example/", "--db", db])


def test_every_command_and_option_has_help(alerts_app: typer.Typer, tmp_path: Path) -> None:
    out = _run(alerts_app, ["send", "--help"])
    for variable in ("SYNERGIES_SMTP_HOST", "SYNERGIES_SMTP_PORT", "SYNERGIES_SMTP_USER",
                     "SYNERGIES_SMTP_PASSWORD", "SYNERGIES_SMTP_FROM", "SYNERGIES_SMTP_STARTTLS"):  # fmt: skip
        assert variable in out
    assert "confidential" in out and "X-Synergies-Signature" in out
    group = typer.main.get_group(alerts_app)
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None) or param.name == "help", (name, param.name)
    assert LEAKAGE.rule.value in _run(alerts_app, ["subscribe", "--help"])


def test_refusals_name_the_commands_own_flags(alerts_app: typer.Typer, db: str) -> None:
    from synergies.cli.errors import message

    commands = typer.main.get_group(alerts_app).commands
    base = ["subscribe", "--db", db, "--user", USERS["admin"][0]]
    cases = [
        ([*base, "--email", "a@example.com", "--rule", "late lunch"], "subscribe", "--rule: "),
        ([*base, "--email", "a@example.com", "--function", "x"], "subscribe", "--function: "),
        ([*base, "--email", "a"], "subscribe", "--email: "),
        (["unsubscribe", "42", "--db", db], "unsubscribe", "ID: unknown subscription 42"),
    ]
    for args, name, start in cases:
        with pytest.raises((InvalidInput, NotFound)) as refused:
            _run(alerts_app, args)
        assert message(refused.value, commands[name]).startswith(start)


@pytest.mark.usefixtures("firing")
def test_failed_deliveries_are_listed_with_their_error(
    alerts_app: typer.Typer, db: str, plain_smtp: SmtpServer
) -> None:
    _run(alerts_app, ["subscribe", "--email", "ada@alliance.example", "--user",
                      USERS["admin"][0], "--db", db])  # fmt: skip
    CliRunner().invoke(alerts_app, ["send", "--db", db], env=_smtp_env(plain_smtp))
    failed = json.loads(_run(alerts_app, ["deliveries", "--failed", "--db", db, "-f", "json"]))
    assert sorted(d["alert"] for d in failed) == sorted(a.key for a in ALERTS)
    assert {(d["status"], d["target"]) for d in failed} == {("failed", "ada@alliance.example")}
    assert all("STARTTLS" in d["error"] for d in failed)
