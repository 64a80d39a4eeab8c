"""`synergies user passwd|reset-password|deactivate|activate|set-role` and `token list --all`."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.accounts.test_account_commands import _cli
from tests.api.conftest import ACCOUNTS, PASSWORD

VIEWER = ACCOUNTS["nissan_viewer"].name
ADMIN = ACCOUNTS["admin"].name
NEW = "a different passphrase 7"


def _login(client: TestClient, password: str) -> int:
    client.cookies.clear()
    return int(client.post("/auth/login", json={"name": VIEWER, "password": password}).status_code)


def test_the_lifecycle_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient,
    example_url: str,
) -> None:  # fmt: skip
    db = ("--db", example_url)

    def cli(*args: str, stdin: str = "") -> tuple[int, str]:
        return _cli(monkeypatch, capsys, *args, *db, stdin=stdin)

    code, out = cli("user", "passwd", VIEWER, "--password-stdin", stdin=f"{PASSWORD}\n{NEW}\n")
    assert code == 0 and _login(client, NEW) == 200
    code, out = cli("user", "reset-password", VIEWER, "--password-stdin", stdin="aaaaaaaaaa\n")
    assert code != 0 and "password" in out
    code, out = cli("user", "reset-password", VIEWER, "--password-stdin", stdin=f"{PASSWORD}\n")
    assert code == 0 and _login(client, PASSWORD) == 200
    assert cli("user", "deactivate", VIEWER)[0] == 0
    assert _login(client, PASSWORD) == 401
    assert cli("user", "activate", VIEWER)[0] == 0
    assert _login(client, PASSWORD) == 200
    code, out = cli("user", "set-role", VIEWER, "--role", "controller", "--partner", "nissan")
    assert code == 0 and "partner controller" in out
    code, out = cli("user", "deactivate", ADMIN)
    assert code != 0 and "last active alliance admin" in out
    code, out = cli("token", "list", "--all", "-f", "json")
    assert code == 0 and {row["user"] for row in json.loads(out)} >= {VIEWER}
