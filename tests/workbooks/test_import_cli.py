# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""`synergies import WORKBOOK.xlsx`: the outcome, every problem, the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke, cli, db  # noqa: F401 - the CLI tests' fixtures
from tests.workbooks.workbook_files import ENTRY, tracker


def test_import_prints_what_it_did(cli: Invoke, db: str, tmp_path: Path) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    done = cli("import", str(path), "--format", "json")
    assert done.code == 0, done.err
    outcome = json.loads(done.out)
    assert [(s["sheet"], s["added"]) for s in outcome["sheets"]] == [
        ("Initiatives", 1),
        ("Ledger", 1),
    ]
    again = cli("import", str(path))
    assert again.code == 0
    assert "Ledger" in again.out


def test_a_dry_run_says_so(cli: Invoke, db: str, tmp_path: Path) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    done = cli("import", str(path), "--dry-run")
    assert done.code == 0
    assert "dry run: nothing was written" in done.out
    assert json.loads(cli("import", str(path), "--format", "json").out)["sheets"][1]["added"] == 1


def test_every_problem_is_listed_and_the_exit_code_is_2(
    cli: Invoke, db: str, tmp_path: Path
) -> None:
    bad = [[*ENTRY[:3], "1.234,50", *ENTRY[4:]], [*ENTRY[:1], "TOYOTA", *ENTRY[2:]]]
    path = tracker(tmp_path / "tracker.xlsx", ledger=bad)
    done = cli("import", str(path), "--format", "json")
    assert done.code == 2
    problems = json.loads(done.out)["problems"]
    assert [(p["sheet"], p["row"], p["column"]) for p in problems] == [
        ("Ledger", 2, "D (Amount)"),
        ("Ledger", 3, "B (Partner)"),
    ]
    table = cli("import", str(path))
    assert table.code == 2
    assert "TOYOTA" in table.out
    assert "2 problems" in table.err


def test_a_file_that_is_no_workbook_exits_2(cli: Invoke, db: str, tmp_path: Path) -> None:
    path = tmp_path / "tracker.xlsx"
    path.write_text("not a workbook")
    done = cli("import", str(path))
    assert done.code == 2
    assert "not an Excel workbook" in done.err
