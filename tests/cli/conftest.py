from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from synergies.cli.main import run


@dataclass
class Result:
    code: int
    out: str
    err: str


Invoke = Callable[..., Result]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Invoke:
    """Run `synergies ARGS` in-process through the real entry point; return code and output.

    It runs in a temporary folder with a temporary data directory, so neither a project's
    .synergies.toml nor the user's own store can answer in a test's place.
    """
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["synergies", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            run()
        captured = capsys.readouterr()
        return Result(int(stop.value.code or 0), captured.out, captured.err)

    return invoke


@pytest.fixture
def db(example_sqlite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of the example store, also set as $SYNERGIES_DB."""
    copy = tmp_path / "cli.db"
    shutil.copyfile(example_sqlite, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("SYNERGIES_DB", url)
    return url
