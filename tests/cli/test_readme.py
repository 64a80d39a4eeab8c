"""The README's "First minutes" commands run as written in a folder `make demo` has set up."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

ROOT = Path(__file__).parents[2]


def first_minutes_commands() -> list[list[str]]:
    """The commands of the README's "First minutes" block, split as a shell would."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### First minutes", 1)[1].split("\n#", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the First minutes section has no sh block"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]


def demo_setup_lines() -> list[str]:
    """The lines `make demo` runs to write the project file, as make itself prints them."""
    plan = subprocess.run(["make", "-s", "-n", "-C", str(ROOT), "demo"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return [line for line in plan.splitlines() if ".synergies.toml" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_first_minutes_commands_run_as_written(
    cli: Invoke, tmp_path: Path, example_sqlite: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo store as `make demo` builds it, and its project file written by its own lines.
    (tmp_path / ".demo").mkdir()
    shutil.copyfile(example_sqlite, tmp_path / ".demo" / "synergies.db")
    setup = demo_setup_lines()
    assert setup, "make demo writes no .synergies.toml"
    for line in setup:
        subprocess.run(line, shell=True, cwd=tmp_path, check=True)
    monkeypatch.delenv("SYNERGIES_DB", raising=False)
    commands = first_minutes_commands()
    assert len(commands) >= 5
    for program, *args in commands:
        assert program.endswith("synergies"), program
        result = cli(*args)
        assert result.code == 0, f"{shlex.join([program, *args])}: {result.err}"
