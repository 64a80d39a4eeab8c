"""Benchmark the backtest: the example alliance, then a large store at 100,000 trials.

Run: python benchmarks/backtest.py [--initiatives N] [--entries N] [--trials N]. Each case
runs in its own subprocess so that its peak memory (ru_maxrss) is its own; the store is built
first (not timed). Cases: (a) the example alliance at the CLI's default 10,000 trials, as of
2009-2016, three horizons; (b) the example plus 2,000 initiatives (benchmarks/large_store.py)
over every as-of year its ledger allows (2009-2016) at 100,000 trials; (c) ten synthetic
as-of years of 2,000 initiatives each at 100,000 trials (the engine alone, no store).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def run_store(url: str, trials: int) -> dict[str, object]:
    from synergies.services.backtest import run_backtest
    from synergies.services.context import Context
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    ctx = Context(Store.open(url), local_operator())
    started = time.perf_counter()
    outcome = run_backtest(ctx, trials=trials)
    seconds = time.perf_counter() - started
    sizes = [len(c.portfolio.initiatives) for c in outcome.cases]
    return {"seconds": round(seconds, 2), "as_of_years": len(outcome.cases),
            "points": len(outcome.points), "largest_portfolio": max(sizes, default=0),
            "initiative_points": len(outcome.initiative_points)}  # fmt: skip


def run_synthetic(trials: int, initiatives: int) -> dict[str, object]:
    from decimal import Decimal

    from synergies.domain.calendar import Month
    from synergies.forecasting import Baseline, ForecastInitiative, Portfolio
    from synergies.forecasting.backtest import Case, Run, Uncertainty, backtest

    stages = ("L1", "L2", "L3", "L4")
    cases = []
    for k in range(10):
        year = 2010 + k
        items = tuple(
            ForecastInitiative(
                id=f"G{n}", function=f"f{n % 8}", stage=stages[n % 4],
                run_rate=Decimal(1_000_000 + 10_000 * n), start=Month(year + 1, 1 + n % 12),
                ramp_months=12,
            )
            for n in range(initiatives)
        )  # fmt: skip
        cases.append(Case(year, Portfolio(items, Baseline(year, Decimal(4_000_000_000), 0.02)), {}))
    truth = {2011 + k + h: 4.5e9 for k in range(10) for h in range(3)}
    started = time.perf_counter()
    points = backtest(cases, truth, Run(horizons=3, trials=trials), Uncertainty())
    return {"seconds": round(time.perf_counter() - started, 2), "as_of_years": 10,
            "points": len(points), "largest_portfolio": initiatives,
            "initiative_points": 0}  # fmt: skip


def child(args: argparse.Namespace) -> None:
    if args.case == "synthetic":
        result = run_synthetic(args.trials, args.initiatives)
    else:
        result = run_store(args.url, args.trials)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def measure(*options: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, __file__, "--child", *options], check=True,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--case", default="store", help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--initiatives", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--trials", type=int, default=100_000)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT))
    from large_store import build
    from synergies.services.context import Context
    from synergies.services.example import load_example
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    with tempfile.TemporaryDirectory() as folder:
        example = f"sqlite:///{folder}/example.db"
        load_example(Context(Store.create(example), local_operator()))
        large = f"sqlite:///{folder}/large.db"
        build(large, args.initiatives, args.entries)
        cases = {
            "example, 10,000 trials": measure("--url", example, "--trials", "10000"),
            f"example + {args.initiatives:,} initiatives, {args.trials:,} trials":
                measure("--url", large, "--trials", str(args.trials)),
            f"synthetic: 10 as-of years x {args.initiatives:,} initiatives, {args.trials:,} trials":
                measure("--case", "synthetic", "--trials", str(args.trials),
                        "--initiatives", str(args.initiatives)),
        }  # fmt: skip
    print(f"{'case':<70} {'seconds':>8} {'as-of':>6} {'points':>7} {'largest':>8} "
          f"{'own pts':>8} {'peak MB':>8}")  # fmt: skip
    for name, r in cases.items():
        print(f"{name:<70} {r['seconds']:>8} {r['as_of_years']:>6} {r['points']:>7} "
              f"{r['largest_portfolio']:>8} {r['initiative_points']:>8} {r['peak_mb']:>8}")  # fmt: skip


if __name__ == "__main__":
    main()
