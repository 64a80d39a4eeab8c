"""`synergies user ...` and `synergies token ...` on the command line."""

from __future__ import annotations

import io
import sys

import pytest
from fastapi.testclient import TestClient

from synergies.cli.main import run


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str,
         stdin: str = "") -> tuple[int, str]:  # fmt: skip
    monkeypatch.setattr(sys, "argv", ["synergies", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setenv("COLUMNS", "200")
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        run()
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out + captured.err


def test_add_a_user_then_create_list_and_revoke_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient,
    example_url: str,
) -> None:  # fmt: skip
    db = ("--db", example_url)
    code, out = _cli(monkeypatch, capsys, "user", "add", "hiro.ctl", "--role", "controller",
                     "--partner", "nissan", "--password-stdin", *db,
                     stdin="a long enough password\n")  # fmt: skip
    assert code == 0 and "partner controller" in out
    code, out = _cli(monkeypatch, capsys, "token", "create", "hiro.ctl", "--expires-in", "7d", *db)
    assert code == 0
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("syn_")
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["name"] == "hiro.ctl" and me["partner"] == "NISSAN"
    code, out = _cli(monkeypatch, capsys, "token", "list", "--user", "hiro.ctl", "-f", "json", *db)
    assert code == 0 and secret not in out
    token_id = secret.split("_")[1]
    assert _cli(monkeypatch, capsys, "token", "revoke", token_id, *db)[0] == 0
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_bad_role_is_refused_with_the_known_ones(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], example_url: str
) -> None:
    code, out = _cli(monkeypatch, capsys, "user", "add", "x.y", "--role", "boss",
                     "--password-stdin", "--db", example_url, stdin="a long enough password\n")  # fmt: skip
    assert code == 2 and "clean team" in out
