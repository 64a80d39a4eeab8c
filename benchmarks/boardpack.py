"""Build time of the board pack: the example alliance, and a large store (2,000 more
initiatives and their ledger entries, benchmarks/large_store.py).

Run: python benchmarks/boardpack.py [--entries N] [--runs R]. The large store is built once
into build/ (1,000,000 entries take about 100 s) and reused, as benchmarks/web.py does. Each
figure is the median of R builds of the 2015 pack as PDF (and once as HTML), from a store
whose caches are cold (a fresh Store each run), timed from the service call to the bytes.
Aims: under 5 s for the example, under 30 s for the large store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from synergies.services import boardpack
from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

BUILD = Path(__file__).parents[1] / "build"
YEAR = 2015


def _large(entries: int) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from large_store import build  # the generator beside this file, only when needed

    kept = BUILD / f"bench-large-{entries}.db"
    if not kept.exists():
        BUILD.mkdir(exist_ok=True)
        print(f"building the large store once into {kept} …", file=sys.stderr)
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build(f"sqlite:///{partial}", 2_000, entries).engine.dispose()
        partial.rename(kept)
    return kept


def _example(folder: Path) -> Path:
    path = folder / "example.db"
    store = Store.create(f"sqlite:///{path}")
    load_example(Context(store, local_operator()))
    store.engine.dispose()
    return path


def _time(path: Path, fmt: boardpack.Format, runs: int) -> tuple[float, float, int | None]:
    """Median and worst seconds of `runs` cold builds, and the page count."""
    took, pages = [], None
    for _ in range(runs):
        store = Store.open(f"sqlite:///{path}")
        started = time.perf_counter()
        done = boardpack.render(Context(store, local_operator()), YEAR, fmt)
        took.append(time.perf_counter() - started)
        pages = done.pages
        store.engine.dispose()
    return statistics.median(took), max(took), pages


def _report(name: str, path: Path, runs: int) -> None:
    median, worst, pages = _time(path, boardpack.Format.pdf, runs)
    html, _, _ = _time(path, boardpack.Format.html, 1)
    print(f"{name}: PDF {median:.2f} s median, {worst:.2f} s worst of {runs} ({pages} pages); "
          f"HTML {html:.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-boardpack-"))
    os.environ.setdefault("SYNERGIES_AUDIT_KEY_FILE", str(folder / "audit-keys.json"))
    try:
        _report("example alliance", _example(folder), args.runs)
        large = folder / "large.db"
        shutil.copyfile(_large(args.entries), large)
        _report(f"2,019 initiatives, {args.entries:,} ledger entries", large, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
