"""Start-up time of the command line, and which heavy libraries each command loads.

Run: python benchmarks/startup.py [RUNS]. Each command runs RUNS times (default 9) as a fresh
`synergies` process on a demo store built in a temporary folder; the figure is the median wall
time, and beside it the median CPU time (user + system) of the process, which a busy machine
inflates less. A further run of each, inside an interpreter that reports sys.modules when the command
ends, lists the heavy libraries it imported. Figures depend on the machine and its load.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("duckdb", "ibis", "pyarrow", "pandas", "numpy", "pyspark", "fastapi", "uvicorn",
         "alembic", "argon2", "sqlalchemy", "pydantic")  # fmt: skip
COMMANDS = (
    ("--help",),
    ("report", "--help"),
    ("report", "--year", "2015"),
    ("org", "--person", "Redzic"),
    ("initiatives", "--stage", "L5"),
    ("ledger", "--limit", "5"),
    ("forecast", "--help"),
    ("serve", "--help"),
)
# Runs one command in-process, then writes the heavy modules it loaded to the last line.
PROBE = """
import json, sys
sys.argv = ["synergies", *sys.argv[1:]]
from synergies.cli.main import run
try:
    run()
except SystemExit:
    pass
heavy = {heavy!r}
sys.stderr.write("\\n" + json.dumps([m for m in heavy if m in sys.modules]) + "\\n")
"""


def synergies() -> str:
    found = shutil.which("synergies", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("no synergies script beside this Python; run: make .venv/.dev")
    return found


def demo_store(folder: Path) -> dict[str, str]:
    url = f"sqlite:///{folder / 'synergies.db'}"
    env = {**os.environ, "SYNERGIES_DB": url, "COLUMNS": "120"}
    for step in ("init", "demo"):
        subprocess.run([synergies(), step], env=env, check=True, capture_output=True)
    return env


def median_seconds(args: tuple[str, ...], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of `synergies ARGS`."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([synergies(), *args], env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def heavy_modules(args: tuple[str, ...], env: dict[str, str]) -> list[str]:
    probe = PROBE.format(heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", probe, *args], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory(prefix="synergies-startup-") as folder:
        env = demo_store(Path(folder))
        print(f"start-up of `synergies ...`, median of {runs} runs, on a demo store (SQLite)")
        print(f"{'command':<26} {'wall s':>7} {'cpu s':>6}  heavy libraries loaded")
        for args in COMMANDS:
            wall, cpu = median_seconds(args, env, runs)
            loaded = ", ".join(heavy_modules(args, env)) or "none"
            print(f"{' '.join(args):<26} {wall:>7.3f} {cpu:>6.3f}  {loaded}")
        print(f"(python itself: {median_seconds_python(runs):.3f} s to start and exit)")


def median_seconds_python(runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
