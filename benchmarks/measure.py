"""Benchmark the measure against a straightforward pandas implementation of the same figures.

Generates (and caches under benchmarks/data/, git-ignored) synthetic Parquet sources, then runs
each implementation in its own subprocess and reports wall time, lines per second, peak memory
(the child's ru_maxrss) and the speed ratio.

    python benchmarks/measure.py                 # 10M and 50M lines
    python benchmarks/measure.py --lines 1000000 # smaller
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).parent / "data"


def source_for(lines: int) -> Path:
    from synergies.measurement.generate import generate_purchases

    folder = DATA / f"purchases-{lines}"
    if not (folder / "metadata.json").exists():
        print(f"generating {lines:,} lines into {folder} ...", flush=True)
        generate_purchases(folder, lines)
    return folder


def run_engine(source: Path) -> dict[str, object]:
    from synergies.measurement.measure import measure
    from synergies.measurement.result import to_json

    document = to_json(measure(source))
    return {"net": document["hard_savings"]["net"], "claimed": document["lines_claimed"]}


def run_pandas(source: Path) -> dict[str, object]:
    """The same hard savings the obvious way: merge, pick the winner, as-of baseline, FX."""
    import pandas as pd

    lines = pd.read_parquet(source / "purchase_lines.parquet")
    scope = pd.read_parquet(source / "initiative_scope.parquet")
    baselines = pd.read_parquet(source / "baselines.parquet")
    fx = pd.read_parquet(source / "fx_rates.parquet")
    for frame in (lines, scope, baselines):
        for column in ("partner", "part_number", "currency"):
            if column in frame:
                frame[column] = frame[column].astype(str)
    lines["posting_date"] = pd.to_datetime(lines["posting_date"])
    scope["valid_from"] = pd.to_datetime(scope["valid_from"])
    scope["valid_to"] = pd.to_datetime(scope["valid_to"])
    claimed = lines.merge(scope, on=["partner", "part_number"])
    claimed = claimed[
        (claimed.valid_from <= claimed.posting_date)
        & (claimed.valid_to.isna() | (claimed.posting_date <= claimed.valid_to))
    ]
    claimed = claimed.sort_values(["line_id", "valid_from", "initiative_id"])
    claimed = claimed.drop_duplicates("line_id")
    baselines["valid_from"] = pd.to_datetime(baselines["valid_from"])
    claimed = pd.merge_asof(
        claimed.sort_values("posting_date"),
        baselines.rename(
            columns={"currency": "baseline_currency", "valid_from": "b_from"}
        ).sort_values("b_from"),
        left_on="posting_date",
        right_on="b_from",
        by=["partner", "part_number"],
    )
    claimed["month"] = claimed.posting_date.dt.strftime("%Y-%m")
    rates = fx.set_index(["month", "currency"]).per_eur
    paid_rate = claimed.set_index(["month", "currency"]).index.map(rates.to_dict())
    base_rate = claimed.set_index(["month", "baseline_currency"]).index.map(rates.to_dict())
    paid_rate = pd.Series(paid_rate, index=claimed.index).where(claimed.currency != "EUR", 1.0)
    base_rate = pd.Series(base_rate, index=claimed.index).where(
        claimed.baseline_currency != "EUR", 1.0
    )
    saving = claimed.quantity * (
        claimed.baseline_unit_price / base_rate - claimed.unit_price / paid_rate
    )
    by_cell = saving.groupby([claimed.initiative_id, claimed.partner, claimed.month]).sum()
    return {"net": f"{by_cell.sum():.2f}", "claimed": len(claimed)}


def child(kind: str, source: Path) -> None:
    """Time one implementation; its libraries' import is timed apart (a one-off per process)."""
    started = time.perf_counter()
    if kind == "measure":
        import synergies.measurement.measure  # noqa: F401
    else:
        import pandas  # noqa: F401
    imported = time.perf_counter()
    figures = run_engine(source) if kind == "measure" else run_pandas(source)
    done = time.perf_counter()
    print(json.dumps({"seconds": done - imported, "import_seconds": imported - started, **figures}))


def timed(kind: str, source: Path) -> dict[str, float | str]:
    """Run one implementation in a fresh process; its own ru_maxrss is its peak memory."""
    command = [sys.executable, __file__, "--child", kind, "--source", str(source)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{kind} failed with status {status}")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def report(lines: int, skip_pandas: bool) -> None:
    source = source_for(lines)
    results = {"measure": timed("measure", source)}
    if not skip_pandas:
        results["pandas"] = timed("pandas", source)
    print(f"\n{lines:,} lines from Parquet ({source})")
    for kind, r in results.items():
        seconds = float(r["seconds"])
        print(
            f"  {kind:8s} {seconds:7.2f} s  {lines / seconds / 1e6:6.2f} M lines/s  "
            f"(+{float(r['import_seconds']):.2f} s importing)  "
            f"peak {float(r['peak_mb']):7.0f} MB  net {r['net']}  claimed {r['claimed']}"
        )
    if "pandas" in results:
        engine, plain = (
            Decimal(str(results["measure"]["net"])),
            Decimal(str(results["pandas"]["net"])),
        )
        # pandas sums floats: allow a cent per million lines of rounding, nothing more.
        agree = abs(engine - plain) <= Decimal("0.01") * max(1, lines // 1_000_000)
        print(f"  net {'agrees' if agree else 'DISAGREES'}: measure {engine}, pandas {plain}")
        if not agree:
            raise SystemExit("the two implementations disagree")
        ratio = float(results["pandas"]["seconds"]) / float(results["measure"]["seconds"])
        print(f"  measure is {ratio:.1f}x the pandas version")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="*", default=[10_000_000, 50_000_000])
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--child", choices=["measure", "pandas"])
    parser.add_argument("--source", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    for lines in args.lines:
        report(lines, args.skip_pandas)


if __name__ == "__main__":
    main()
