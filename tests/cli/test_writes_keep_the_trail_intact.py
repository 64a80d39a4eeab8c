"""Every write command of the CLI, run once on the example alliance, leaves `audit verify`
intact: no supported operation raises an alarm. A command missing from WRITES and READS
fails the test, so a new write command cannot skip this check."""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from argon2 import PasswordHasher

from synergies.forecasting.backtest import Uncertainty
from synergies.forecasting.versions import SettingsVersion
from synergies.services import accounts, forecast_settings
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.cli.conftest import Invoke, Result
from tests.cli.test_documented import _every_command
from tests.workbooks.workbook_files import tracker

PASSWORD, NEW = "correct horse battery", "a brand new passphrase"
TODAY = datetime.now(UTC).date().isoformat()

# Commands that write nothing to the store (files, the screen, a server whose writes the API
# test covers): checked by name, so that a new command is classified on purpose.
READS = {
    "functions", "agreements", "scope", "initiatives", "measurements", "report",
    "forecast backtest", "payback", "boardpack", "serve", "db status", "partners",
    "ownership", "org", "initiative show", "ledger", "generate purchases", "measurement show",
    "audit verify", "audit checkpoint", "plan list", "plan compare", "whatif converge",
    "template", "export", "user list", "token list", "alerts subscriptions",
    "alerts deliveries", "alerts webhook list", "forecast", "audit", "alerts",
    # groups, whose commands are listed one by one
    "db", "generate", "initiative", "measurement", "plan", "user", "token", "alerts webhook",
    "whatif",
}  # fmt: skip


@pytest.fixture
def receiver() -> Iterator[str]:
    """A local webhook receiver answering 200: where `alerts send` delivers."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/synergies"
    server.shutdown()
    server.server_close()


@pytest.fixture
def typed(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`cli` with what the user types on stdin; cheap password hashing."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))

    def invoke(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return cli(*args)

    return invoke


def _json(result: Result) -> object:
    assert result.code == 0, result.err
    return json.loads(result.out)


def _writes(run: Callable[..., Result], db: str, tmp: Path, receiver: str) -> Iterator[str]:
    """Run each write command once, yielding its name after it succeeded."""

    def ok(name: str, *args: str, stdin: str = "") -> str:
        done = run(*args, stdin=stdin)
        assert done.code == 0, f"{name}: {done.err}"
        return name

    run("user", "add", "ada.admin", "--role", "alliance admin", "--password-stdin",
        stdin=f"{PASSWORD}\n")  # fmt: skip
    yield ok("user add", "user", "add", "vera.viewer", "--role", "approver", "--password-stdin",
             stdin=f"{PASSWORD}\n")  # fmt: skip
    yield ok("user set-role", "user", "set-role", "vera.viewer", "--role", "alliance admin")
    yield ok("user passwd", "user", "passwd", "vera.viewer", "--password-stdin",
             stdin=f"{PASSWORD}\n{NEW}\n")  # fmt: skip
    yield ok("user reset-password", "user", "reset-password", "vera.viewer", "--password-stdin",
             stdin=f"{PASSWORD}\n")  # fmt: skip
    yield ok("user deactivate", "user", "deactivate", "vera.viewer")
    yield ok("user activate", "user", "activate", "vera.viewer")
    run("user", "add", "alba.approver", "--role", "approver", "--password-stdin",
        stdin=f"{PASSWORD}\n")  # fmt: skip
    run("user", "add", "rene.controller", "--role", "controller", "--partner", "RENAULT",
        "--password-stdin", stdin=f"{PASSWORD}\n")  # fmt: skip
    yield ok("token create", "token", "create", "vera.viewer", "--expires-in", "1d")
    tokens = _json(run("token", "list", "--all", "--format", "json"))
    assert isinstance(tokens, list)
    yield ok("token revoke", "token", "revoke", tokens[-1]["id"])
    yield ok("partners add", "partners", "add", "MX", "Mx Motors", "--currency", "EUR")
    yield ok("ownership add", "ownership", "add", "RENAULT", "MX", "10")
    yield ok("org add-person", "org", "add-person", "p-1", "A Person", "--title", "Engineer",
             "--company", "RENAULT")  # fmt: skip
    yield ok("org add-line", "org", "add-line", "p-1", "ogi-redzic")
    yield ok("initiative add", "initiative", "add", "PUR-010", "--name", "Joint tyres",
             "--function", "purchasing", "--owner", "D. Girard", "--allocation",
             "RENAULT=40,NISSAN=60")  # fmt: skip
    yield ok("initiative advance", "initiative", "advance", "PUR-010", "--to", "L1")
    yield ok("initiative update", "initiative", "update", "PUR-010", "--run-rate", "12000000",
             "--one-off", "800000", "--start", "2016-09")  # fmt: skip
    run("initiative", "advance", "PUR-010", "--to", "L2")
    yield ok("initiative lock-plan", "initiative", "lock-plan", "PUR-010")
    yield ok("initiative approve", "initiative", "approve", "PUR-010", "--by", "Alliance Board",
             "--as", "alba.approver")  # fmt: skip
    yield ok("initiative status", "initiative", "status", "PUR-010", "--set", "at risk")
    yield ok("initiative probability", "initiative", "probability", "ENG-005", "--set", "0.9")
    yield ok("initiative sign-off", "initiative", "sign-off", "MFG-003", "--partner", "RENAULT",
             "--as", "rene.controller", "--on", TODAY)  # fmt: skip
    yield ok("ledger add", "ledger", "add", "--partner", "NISSAN", "--period", "2016-03",
             "--amount", "125000000", "--currency", "JPY", "--initiative", "PUR-002")  # fmt: skip
    entries = _json(run("ledger", "--initiative", "PUR-002", "--format", "json"))
    assert isinstance(entries, list)
    yield ok("ledger reverse", "ledger", "reverse", str(entries[-1]["id"]), "--reason", "twice")
    yield ok("plan lock", "plan", "lock", "budget 2016")
    run("generate", "purchases", str(tmp / "purchases"), "--lines", "400", "--seed", "11")
    yield ok("measure", "measure", str(tmp / "purchases"), "--post")
    runs = _json(run("measurements", "--format", "json"))
    assert isinstance(runs, list)
    yield ok("alerts baseline-decision", "alerts", "baseline-decision", runs[-1]["source"],
             "--reference", "Purchasing committee 2016-04, item 3", "--on", "2016-04-01")  # fmt: skip
    yield ok("alerts rules", "alerts", "rules", "--set", "behind ramp=15")
    yield ok("alerts webhook add", "alerts", "webhook", "add", receiver)
    yield ok("alerts subscribe", "alerts", "subscribe", "--email", "vera@example.com", "--user",
             "vera.viewer")  # fmt: skip
    sent = run("alerts", "send", "--on", "2017-06-30", "--format", "json")
    assert sent.code in (0, 1), sent.err  # 1: no mail server for the e-mail; the webhook got it
    assert json.loads(sent.out)["targets"][0]["delivered"] > 0
    yield "alerts send"
    subscriptions = _json(run("alerts", "subscriptions", "--format", "json"))
    assert isinstance(subscriptions, list)
    yield ok("alerts unsubscribe", "alerts", "unsubscribe", str(subscriptions[-1]["id"]))
    hooks = _json(run("alerts", "webhook", "list", "--format", "json"))
    assert isinstance(hooks, list)
    yield ok("alerts webhook remove", "alerts", "webhook", "remove", str(hooks[-1]["id"]))
    store = Store.open(db)  # a version to reset from (calibrating the example changes none)
    forecast_settings.record(Context(store, local_operator()), SettingsVersion(0, Uncertainty(1.5)))
    store.engine.dispose()
    yield ok("forecast settings", "forecast", "settings", "--reset", "--note", "the book")
    calibrated = run("forecast", "calibrate", "--trials", "200", "--apply")
    assert calibrated.code in (0, 5), calibrated.err  # 5: the fit did not beat the defaults
    yield "forecast calibrate"
    yield ok("import", "import", str(tracker(tmp / "tracker.xlsx")))
    yield ok("audit rotate-key", "audit", "rotate-key")
    yield ok("db upgrade", "db", "upgrade")


def test_every_write_command_leaves_the_trail_intact(
    typed: Callable[..., Result], db: str, tmp_path: Path, receiver: str,
    audit_key_file: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    own = tmp_path / "keys.json"  # rotate-key rotates this copy, not the session's key
    shutil.copyfile(audit_key_file, own)
    monkeypatch.setenv("SYNERGIES_AUDIT_KEY_FILE", str(own))
    monkeypatch.setenv("SYNERGIES_PASSWORD", PASSWORD)  # for --as
    done = []
    for name in _writes(typed, db, tmp_path, receiver):
        done.append(name)
        if name == "user set-role":  # the trail once cried wolf here (issue 24)
            verified = typed("audit", "verify")
            assert verified.code == 0, verified.err
    verified = typed("audit", "verify")
    assert verified.code == 0, verified.err
    assert "tables: 25 match their seals" in verified.out
    commands = {path.removeprefix("synergies ") for path, _ in _every_command()}
    unclassified = commands - READS - set(done) - {"synergies", "init", "demo"}
    assert unclassified == set(), "run it in _writes, or list it in READS"
    assert commands >= READS, "READS names commands that do not exist"


def test_a_new_store_and_the_demo_verify_intact(
    typed: Callable[..., Result], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert typed("init", "--db", url).code == 0
    assert typed("audit", "verify", "--db", url).code == 0
    demo = typed("demo", "--db", url, "--accounts-file", str(tmp_path / "accounts.txt"))
    assert demo.code == 0, demo.err
    verified = typed("audit", "verify", "--db", url)
    assert verified.code == 0, verified.err
