"""A project folder's .synergies.toml names its store, so commands there need no --db."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synergies.storage import engine as engines
from tests.cli.conftest import Invoke


@pytest.fixture
def project(tmp_path: Path, example_sqlite: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out as `make demo` leaves it: .demo/synergies.db and .synergies.toml."""
    folder = tmp_path / "project"
    (folder / ".demo").mkdir(parents=True)
    shutil.copyfile(example_sqlite, folder / ".demo" / "synergies.db")
    (folder / ".synergies.toml").write_text('db = "sqlite:///.demo/synergies.db"\n')
    monkeypatch.delenv("SYNERGIES_DB", raising=False)
    return folder


def test_commands_in_the_project_folder_or_below_use_its_store(
    cli: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert "Ogi Redzic" in cli("org", "--person", "Redzic").out
    below = project / "src" / "deeper"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    result = cli("report", "--year", "2015")
    assert result.code == 0 and "4,300.0 m" in result.out


def test_db_and_the_environment_come_before_the_project_file(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    from_file = engines.locate(None)
    assert from_file.url == f"sqlite:///{project.resolve()}/.demo/synergies.db"
    assert from_file.source == str(project.resolve() / ".synergies.toml")
    monkeypatch.setenv("SYNERGIES_DB", "sqlite:///from-env.db")
    assert engines.locate(None) == engines.Location("sqlite:///from-env.db", "$SYNERGIES_DB")
    assert engines.locate("sqlite:///given.db") == engines.Location("sqlite:///given.db", "--db")


def test_without_any_store_the_error_says_where_it_looked(cli: Invoke, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("SYNERGIES_DB", raising=False)
    result = cli("ownership")
    assert result.code == 3
    line = result.err.strip()
    assert "no alliance store at" in line and str(tmp_path / "data-home") in line
    assert f"no --db, no $SYNERGIES_DB, no .synergies.toml in {tmp_path}" in line
    assert "synergies init --db" in line


def test_a_project_file_without_a_store_is_refused_clearly(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYNERGIES_DB", raising=False)
    (tmp_path / ".synergies.toml").write_text("store = 'nothing'\n")
    result = cli("ownership")
    assert result.code == 2
    assert f"error: --db: {tmp_path / '.synergies.toml'} names no store" in result.err


def test_a_missing_store_file_is_not_created_by_looking(cli: Invoke, tmp_path: Path) -> None:
    wanted = tmp_path / "typo.db"
    result = cli("report", "--db", f"sqlite:///{wanted}")
    assert result.code == 3
    assert f"{wanted} does not exist" in result.err and "synergies init --db" in result.err
    assert not wanted.exists()  # a mistyped --db leaves no empty file behind
