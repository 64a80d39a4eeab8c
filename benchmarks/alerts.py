"""Time of the alerts evaluation on a large store: the example alliance, 2,000 more initiatives
and 1,000,000 ledger entries (benchmarks/large_store.py), plus a measurement run over every
initiative with leakage and double claims, so that every rule has facts to read.

Run: python benchmarks/alerts.py [--entries 1000000] [--repeat 5]. The large store is built
once into build/bench-alerts-<N>.db, its audit trail signed with a key kept beside it (the
benchmark writes to a copy), and copied for each run.
"Cold" is the first evaluation in the process (the target-odds forecast is computed); "warm"
the next ones (the forecast is kept per store version, as for the forecast page).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from synergies.domain.alerts import Rule
from synergies.domain.calendar import Month
from synergies.measurement.result import Cell, DoubleClaim, Figures, MeasurementResult
from synergies.services import alerts, initiatives, measurement
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

BUILD = Path(__file__).resolve().parents[1] / "build"
TODAY = date(2016, 3, 31)


def large_store(entries: int) -> Store:
    sys.path.insert(0, str(Path(__file__).parent))
    from large_store import build  # the generator beside this file, only when needed

    kept = BUILD / f"bench-alerts-{entries}.db"
    if not kept.exists():
        BUILD.mkdir(exist_ok=True)
        print(f"building the large store once into {kept} …", file=sys.stderr)
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build(f"sqlite:///{partial}", 2_000, entries).engine.dispose()
        partial.rename(kept)
    copy = Path(tempfile.mkdtemp()) / "large.db"
    shutil.copyfile(kept, copy)
    return Store.open(f"sqlite:///{copy}")


def measured_run(ctx: Context, folder: Path) -> int:
    """One measured month for each initiative at each partner: a tenth of them leaking, a
    twentieth with double-claimed lines."""
    cells, doubles = {}, []
    for n, i in enumerate(initiatives.list_initiatives(ctx)):
        for partner in i.partners():
            leak = Decimal(150_000) if n % 10 == 0 else Decimal(0)
            twice = 3 if n % 20 == 0 else 0
            cells[Cell(i.id, partner, Month(2016, 1))] = Figures(
                lines_claimed=20, lines_measured=20, gross_gain=Decimal(250_000),
                leakage_lines=2 if leak else 0, leakage=leak, double_claimed_lines=twice,
            )  # fmt: skip
            if twice:
                doubles.append(DoubleClaim(f"L-{n}-{partner}", partner, "PART-1",
                                           date(2016, 1, 5), (i.id, "PUR-001"), i.id))  # fmt: skip
    result = MeasurementResult(
        "EUR", 20 * len(cells), cells, double_claim_sample=tuple(doubles[:100]),
        lineage={"content_sha256": "benchmark", "method": "purchasing-hard-savings",
                 "method_version": "1.0", "tables": {}},
        line_ranges={},  # figures made up: no line ids to hold
    )  # fmt: skip
    outcome = measurement.post_result(ctx, folder, result)
    return outcome.entries_added


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["SYNERGIES_AUDIT_KEY_FILE"] = str(BUILD / "bench-alerts-audit-keys.json")
    store = large_store(args.entries)
    ctx = Context(store, local_operator())
    added = measured_run(ctx, Path(tempfile.mkdtemp()) / "purchases")
    count = len(initiatives.list_initiatives(ctx))
    print(f"store: {count:,} initiatives, {args.entries:,} generated ledger entries "
          f"+ {added:,} measured")  # fmt: skip
    found: list[object] = []
    cold = timed(lambda: found.extend(alerts.evaluate(ctx, today=TODAY)))
    again = [timed(lambda: alerts._fire(ctx, TODAY)) for _ in range(args.repeat)]
    kept = [timed(lambda: alerts.evaluate(ctx, today=TODAY)) for _ in range(args.repeat)]
    print(f"alerts evaluation, cold (first in the process, forecast run): {cold:.3f} s, "
          f"{len(found):,} alerts")  # fmt: skip
    print(f"alerts evaluation, recomputed with the forecast kept (median of {args.repeat}): "
          f"{statistics.median(again):.3f} s")  # fmt: skip
    print(f"alerts evaluation, same store version (kept; median of {args.repeat}): "
          f"{statistics.median(kept) * 1000:.1f} ms")  # fmt: skip
    settings = {s.rule: s for s in alerts.settings(ctx)}
    with store.reading() as conn:
        facts = timed(lambda: alerts._Facts(conn, TODAY))
        print(f"  {'(initiatives, FX, runs)':<24} {facts:.3f} s")
        gathered = alerts._Facts(conn, TODAY)
        for rule, evaluator in alerts.EVALUATORS.items():
            if rule is Rule.target_odds:
                continue
            out: list[object] = []
            spent = timed(lambda: out.extend(evaluator(gathered, settings[rule])))  # noqa: B023
            print(f"  {rule.value:<24} {spent:.3f} s  {len(out):>6,} alerts")
    forecast = timed(lambda: alerts._odds(replace(ctx, store=Store.open(store.url)), TODAY))
    print(f"  {'target odds (forecast)':<24} {forecast:.3f} s  (run afresh on a new cache)")
    store.engine.dispose()


if __name__ == "__main__":
    main()
