"""Start-up does no needless work: the help and the report load no engine they do not use.

Each case runs in a fresh interpreter, since this test session has long imported everything.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from synergies.storage import engine as engines

ENGINES = ("duckdb", "ibis", "pyarrow", "numpy", "pyspark", "fastapi", "uvicorn", "alembic")
# What `synergies --help` must not load at all.
HEAVY = (*ENGINES, "pandas", "sqlalchemy", "argon2")

PROBE = """
import json, sys
sys.argv = ["synergies", *sys.argv[1:]]
from synergies.cli.main import run
try:
    run()
except SystemExit as stop:
    code = stop.code
sys.stderr.write("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""


def _loaded(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """Run `synergies ARGS` in a fresh interpreter; its exit code and the modules it loaded."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return int(report["code"] or 0), set(report["modules"])


def _heavy(modules: set[str], heavy: tuple[str, ...]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(heavy))


def test_importing_the_cli_and_its_help_load_no_heavy_library(tmp_path: Path) -> None:
    code, modules = _loaded("--help", cwd=tmp_path)
    assert code == 0 and "synergies.cli.main" in modules
    assert _heavy(modules, HEAVY) == []
    commands = sorted(m for m in modules if m.endswith("_commands"))
    assert commands == [], "the root --help imported command modules"


def test_the_report_loads_no_analytics_engine_nor_the_api(
    tmp_path: Path, example_sqlite: Path
) -> None:
    store = tmp_path / "store.db"
    shutil.copyfile(example_sqlite, store)
    env = {"SYNERGIES_DB": f"sqlite:///{store}", "PATH": "", "COLUMNS": "120"}
    for args in (("report", "--help"), ("report", "--year", "2015")):
        code, modules = _loaded(*args, cwd=tmp_path, env=env)
        assert code == 0 and "synergies.cli.report_commands" in modules, args
        assert _heavy(modules, ENGINES) == [], args


def test_the_head_revision_the_store_is_checked_against_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(engines.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == engines.HEAD_REVISION
