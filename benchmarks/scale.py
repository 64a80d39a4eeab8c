"""The measure at scale: Hive-partitioned sources of 5M, 50M and 500M generated lines.

Each figure is the whole command, `synergies measure SOURCE --format json`, in a fresh process
(start-up and library imports included), with its peak memory (the child's ru_maxrss, which
counts DuckDB's own allocations). Then:

- 50M lines on a local Spark standalone cluster (a master and two workers of one core and 1 GB
  each, started here from the PySpark distribution's classes and stopped after);
- the incremental cost of one new month on top of the largest source: the source without its
  last month is posted whole (`--post --incremental` into a fresh store), the month is put
  back, and the incremental run measures and posts it.

    python benchmarks/scale.py                         # 5M, 50M, 500M; Spark on 50M
    python benchmarks/scale.py --lines 5000000 --skip-spark
    python benchmarks/scale.py --data /big/disk        # sources are kept there (500M: 8 GB)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # tests.measurement.spark_cluster starts the cluster
BIN = Path(sys.executable).parent / "synergies"
LAST_MONTH = ("year=2017", "month=12")


def source_for(data: Path, lines: int) -> Path:
    """The source, generated once by the CLI in its own process: this one stays small, as a
    child's peak memory (ru_maxrss) counts what its parent held when it was forked."""
    folder = data / f"hive-{lines}"
    if not (folder / "metadata.json").exists():
        print(f"generating {lines:,} lines into {folder} …", flush=True)
        seconds, _, _, _ = run(["generate", "purchases", str(folder), "--lines", str(lines),
                                "--layout", "hive"])  # fmt: skip
        print(f"  generated in {seconds:.0f} s", flush=True)
    return folder


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, str]:
    """(seconds, peak MB, stdout, stderr) of one command in a fresh process."""
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(BIN), *args], stdout=subprocess.PIPE, stderr=errors, text=True,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        assert process.stdout is not None
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        err = errors.read()
    if status:
        raise SystemExit(f"synergies {' '.join(args)} failed: {err[-800:]}")
    return seconds, usage.ru_maxrss / 1024, out, err


def duckdb_rows(data: Path, sizes: list[int]) -> dict[int, str]:
    nets = {}
    print("\nDuckDB, the whole command (`synergies measure SOURCE --format json`)")
    for lines in sizes:
        source = source_for(data, lines)
        seconds, peak, out, _ = run(["measure", str(source), "--format", "json"])
        document = json.loads(out)
        assert document["lines_read"] == lines
        nets[lines] = document["hard_savings"]["net"]
        print(
            f"  {lines:>13,} lines  {seconds:7.2f} s  {lines / seconds / 1e6:6.1f} M lines/s  "
            f"peak {peak:7.0f} MB  net {nets[lines]} EUR",
            flush=True,
        )
    return nets


def spark_row(data: Path, lines: int, expected: str | None) -> None:
    from tests.measurement.spark_cluster import cluster_processes, standalone_cluster

    source = source_for(data, lines)
    with tempfile.TemporaryDirectory() as logs, standalone_cluster(Path(logs)) as cluster:
        seconds, peak, out, _ = run(
            ["measure", str(source), "--format", "json", "--engine", "spark",
             "--spark-master", cluster.master, "--spark-conf", "spark.executor.memory=1g"],
        )  # fmt: skip
    assert not cluster_processes(), "the cluster outlived the benchmark"
    net = json.loads(out)["hard_savings"]["net"]
    agrees = "agrees with DuckDB" if expected in (None, net) else f"DISAGREES: DuckDB {expected}"
    print(
        f"\nSpark standalone cluster (master + 2 workers x 1 core, 1 GB), {lines:,} lines\n"
        f"  {seconds:7.2f} s  {lines / seconds / 1e6:6.2f} M lines/s  driver peak {peak:5.0f} MB"
        f"  net {net} EUR ({agrees})"
    )


def incremental_row(data: Path, lines: int) -> None:
    source = source_for(data, lines)
    month = source / "purchase_lines" / LAST_MONTH[0] / LAST_MONTH[1]
    with tempfile.TemporaryDirectory() as work:
        held = Path(work) / "held-month"
        db = f"sqlite:///{work}/store.db"
        run(["init", "--db", db])
        run(["demo", "--db", db, "--accounts-file", f"{work}/accounts.txt"])
        shutil.move(month, held)
        try:
            full, full_peak, _, _ = run(["measure", str(source), "--post", "--incremental",
                                         "--db", db, "--format", "json"])  # fmt: skip
        finally:
            shutil.move(held, month)
        new, new_peak, out, err = run(["measure", str(source), "--post", "--incremental",
                                       "--db", db, "--format", "json"])  # fmt: skip
        again, _, _, nothing = run(["measure", str(source), "--post", "--incremental",
                                    "--db", db])  # fmt: skip
    month_lines = sum(r["lines_read"] for r in [json.loads(out)])
    print(
        f"\nIncremental, one new month on top of {lines:,} lines (SQLite store)\n"
        f"  history posted whole: {full:7.2f} s  peak {full_peak:5.0f} MB\n"
        f"  the new month ({month_lines:,} lines): {new:6.2f} s  peak {new_peak:5.0f} MB "
        f"= {new / full:.3f} of the whole run\n"
        f"  {err.strip().splitlines()[0]}\n"
        f"  nothing new: {again:.2f} s ({nothing.strip().splitlines()[-1]})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*",
                        default=[5_000_000, 50_000_000, 500_000_000])  # fmt: skip
    parser.add_argument("--spark-lines", type=int, default=50_000_000)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    nets = duckdb_rows(args.data, sorted(args.lines))
    if not args.skip_spark:
        spark_row(args.data, args.spark_lines, nets.get(args.spark_lines))
    incremental_row(args.data, max(args.lines))


if __name__ == "__main__":
    main()
