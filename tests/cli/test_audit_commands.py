"""`synergies audit verify / checkpoint / rotate-key` as an operator runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, select

from synergies.storage import tables as t
from tests.cli.conftest import Invoke


def _delete_newest_entry(db: str) -> int:
    engine = create_engine(db)
    with engine.begin() as conn:
        newest = conn.execute(select(func.max(t.ledger_entries.c.id))).scalar_one()
        conn.execute(delete(t.ledger_entries).where(t.ledger_entries.c.id == newest))
    engine.dispose()
    return int(newest)


def test_verify_names_each_problem_and_fails(cli: Invoke, db: str) -> None:
    gone = _delete_newest_entry(db)
    result = cli("audit", "verify")
    assert result.code == 5
    assert f"ledger/{gone}: was written by record" in result.err
    assert "does not match in 1 place(s)" in result.err


def test_verify_as_json_lists_the_problems(cli: Invoke, db: str) -> None:
    gone = _delete_newest_entry(db)
    report = json.loads(cli("audit", "verify", "--format", "json").out)
    assert report["intact"] is False
    assert [p["subject"] for p in report["problems"]] == [f"ledger/{gone}"]


def test_a_checkpoint_file_verifies(cli: Invoke, db: str, tmp_path: Path) -> None:
    saved = tmp_path / "head.json"
    assert cli("audit", "checkpoint", "--output", str(saved)).code == 0
    result = cli("audit", "verify", "--against", str(saved))
    assert result.code == 0 and "holds: record" in result.out


def test_rotating_the_key_keeps_the_trail_verifiable(
    cli: Invoke, db: str, audit_key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "keys.json"
    shutil.copyfile(audit_key_file, own)
    monkeypatch.setenv("SYNERGIES_AUDIT_KEY_FILE", str(own))
    rotated = cli("audit", "rotate-key")
    assert rotated.code == 0 and "is now current (was " in rotated.out
    assert len(json.loads(own.read_text())["keys"]) == 2
    assert "chain verified" in cli("audit", "verify").out


def test_a_missing_key_says_where_it_looked_and_what_to_do(
    cli: Invoke, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "no-such" / "audit-keys.json"
    monkeypatch.setenv("SYNERGIES_AUDIT_KEY_FILE", str(nowhere))
    result = cli("audit", "verify")
    assert result.code == 3
    assert f"no audit key file at {nowhere}" in result.err
    assert "restore the key file from its backup" in result.err
