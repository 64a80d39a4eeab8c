"""Benchmark `synergies import` on a tracker of 10,000 initiatives and 1,000,000 ledger rows.

Run: python benchmarks/workbooks_import.py [--initiatives N] [--rows N] [--folder DIR]
(default folder benchmarks/data/workbooks, git-ignored).
It writes the workbook with openpyxl's write-only mode, copies the example alliance into a
fresh SQLite store, then imports in a subprocess so that the peak memory (ru_maxrss) is the
import's own; then imports the same workbook again (nothing to change). Aim: under 60 s and
1 GB. Figures are illustrative.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

FUNCTIONS = ("purchasing", "engineering", "manufacturing-scm")
CATEGORIES = ("cost reduction", "cost avoidance")


def build(path: Path, initiatives: int, rows: int) -> None:
    from openpyxl import Workbook

    from synergies.workbooks import layout

    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.INITIATIVES.name)
    sheet.append(list(layout.INITIATIVES.headers))
    for n in range(initiatives):
        sheet.append([
            f"BENCH-{n:05d}", f"Bench initiative {n} (illustrative)", FUNCTIONS[n % 3],
            "D. Girard", CATEGORIES[n % 2], "fixed", "RENAULT=50, NISSAN=50", "L1", None,
            "EUR", 100_000 + n, 0, f"{2016 + n % 3}-{1 + n % 12:02d}", 12, None, None,
        ])  # fmt: skip
    ledger = book.create_sheet(layout.LEDGER.name)
    ledger.append(list(layout.LEDGER.headers))
    for n in range(rows):
        ledger.append([
            f"B{n}", ("RENAULT", "NISSAN")[n % 2], f"{2016 + n % 3}-{1 + n % 12:02d}",
            round(10 + (n % 997) * 1.37, 2), "EUR", CATEGORIES[n % 2],
            f"BENCH-{n % initiatives:05d}", None, "bench invoices (illustrative)",
        ])  # fmt: skip
    book.save(path)


def store(path: Path) -> str:
    from synergies.services.context import Context
    from synergies.services.example import load_example
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    url = f"sqlite:///{path}"
    created = Store.create(url)
    load_example(Context(created, local_operator()))
    created.engine.dispose()
    return url


def import_once(workbook: str, url: str) -> None:
    """The child: import, print the outcome's counts and the time as JSON."""
    from synergies.services import imports
    from synergies.services.context import Context
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    started = time.perf_counter()
    outcome = imports.import_workbook(Context(Store.open(url), local_operator()), Path(workbook))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": round(seconds, 1), "cpu_seconds": round(usage.ru_utime
                      + usage.ru_stime, 1), "peak_mb": round(usage.ru_maxrss / 1024),
                      "sheets": outcome.rows()}))  # fmt: skip


def measured(workbook: Path, url: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(workbook), url],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("benchmarks/data/workbooks"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="import the workbook left by an earlier run instead of writing it",
    )
    parser.add_argument("--child", nargs=2, metavar=("WORKBOOK", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_once(*args.child)
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    workbook = args.folder / "bench-tracker.xlsx"
    started = time.perf_counter()
    if not (args.reuse and workbook.exists()):
        build(workbook, args.initiatives, args.rows)
    print(f"workbook {workbook} ({workbook.stat().st_size / 1e6:.1f} MB) ready in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    db = args.folder / "bench.db"
    db.unlink(missing_ok=True)
    url = store(db)
    for label in ("first import", "same again"):
        figures = measured(workbook, url)
        print(
            f"{label}: {figures['seconds']} s ({figures['cpu_seconds']} s of CPU), "
            f"peak {figures['peak_mb']} MB, {figures['sheets']}"
        )


if __name__ == "__main__":
    main()
