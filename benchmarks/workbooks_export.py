"""Export time and peak memory for a large store: the tracker workbook (and optionally CSV
and JSON) of every live ledger entry, through the export service.

Run alone: python benchmarks/workbooks_export.py [URL] [--formats xlsx,csv,json].
The default URL is the large store benchmarks/large_store.py writes,
build/bench-large-1000000.db. Peak memory is the process's maximum resident set
(ru_maxrss), the store's data and the interpreter included.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from synergies.services import exports
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

DEFAULT = "sqlite:///build/bench-large-1000000.db"


def run(url: str, fmt: str) -> None:
    ctx = Context(Store.open(url), local_operator())
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"export.{fmt}"
        start = time.perf_counter()
        written = exports.export(ctx, out)
        seconds = time.perf_counter() - start
        size = out.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(written.rows.values())
    print(f"{fmt:5} {rows:>10,} rows  {seconds:7.1f} s  {size:8.1f} MB  peak RSS {peak:7.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=DEFAULT)
    parser.add_argument("--formats", default="xlsx", help="comma-separated: xlsx,csv,json")
    options = parser.parse_args()
    for fmt in options.formats.split(","):
        run(options.url, fmt.strip())


if __name__ == "__main__":
    main()
