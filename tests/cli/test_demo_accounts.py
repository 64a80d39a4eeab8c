"""`synergies demo` opens the dashboard to one account per role, with passwords made for that
store: never a fixed password that anyone reading the source could use."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from synergies.domain.accounts import Role
from synergies.services import accounts
from synergies.storage.store import Store
from tests.cli.conftest import Invoke

ACCOUNT_LINE = re.compile(r"^  (\S+)\s+(\S+)\s+(.+)$", re.MULTILINE)


def _demo(cli: Invoke, folder: Path) -> tuple[str, dict[str, str], str]:
    url = f"sqlite:///{folder}/demo.db"
    assert cli("init", "--db", url).code == 0
    result = cli("demo", "--db", url, "--accounts-file", str(folder / "accounts.txt"))
    assert result.code == 0, result.err
    return url, {m[0]: m[1] for m in ACCOUNT_LINE.findall(result.out)}, result.out


def test_every_role_gets_an_account_that_logs_in(cli: Invoke, tmp_path: Path) -> None:
    url, passwords, out = _demo(cli, tmp_path)
    assert "http://127.0.0.1:8000/" in out
    store = Store.open(url)
    roles = set()
    for name, password in passwords.items():
        account, _ = accounts.login(store, name, password)
        roles.add(account.role)
    assert roles == set(Role)
    assert {"RENAULT", "NISSAN"} <= {
        a.partner for a, _ in (accounts.login(store, n, p) for n, p in passwords.items())
    }


def test_passwords_differ_between_stores_and_the_file_is_private(
    cli: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, first, out = _demo(cli, tmp_path / "a")
    _, second, _ = _demo(cli, tmp_path / "b")
    assert first.keys() == second.keys()
    assert all(first[name] != second[name] for name in first)
    written = tmp_path / "a" / "accounts.txt"
    assert written.read_text() in out
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_second_demo_writes_no_new_accounts(cli: Invoke, tmp_path: Path) -> None:
    url, _, _ = _demo(cli, tmp_path)
    again = cli("demo", "--db", url)
    assert "nothing written" in again.out
    assert not ACCOUNT_LINE.search(again.out)
