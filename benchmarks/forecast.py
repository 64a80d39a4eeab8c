"""Benchmark the forecast engine against the per-trial Python reference of the same model.

Run: python benchmarks/forecast.py. Each case runs in its own subprocess so that its peak
memory (ru_maxrss) is its own. The reference runs on fewer trials and its rate is extrapolated.
Cases: (a) an alliance-sized portfolio (20 illustrative initiatives, 2016-2018) and (b) a
synthetic portfolio of 10,000 initiatives over 10 years (2016-2025).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.forecasting import (
    Baseline,
    ForecastInitiative,
    ForecastSettings,
    Portfolio,
    Target,
    forecast,
)
from synergies.forecasting.inputs import STAGES
from synergies.forecasting.reference import reference_totals

FUNCTIONS = ("purchasing", "engineering", "manufacturing", "human resources", "quality",
             "costing", "sales & marketing", "connected services")  # fmt: skip
CASES = {
    # name: (portfolio size, target year, engine trials, reference trials)
    "alliance": (20, 2018, 100_000, 2_000),
    "synthetic": (10_000, 2025, 100_000, 3),
}


def portfolio(size: int, target_year: int) -> Portfolio:
    """Illustrative initiatives with varied stages, ramps, statuses and start months."""
    items = tuple(
        ForecastInitiative(
            id=f"illustrative-{i}",
            function=FUNCTIONS[i % len(FUNCTIONS)],
            stage=STAGES[(i * 7) % len(STAGES)],
            run_rate=Decimal(2_000_000 + (i * 7_919) % 9_000_000) * (200 if size < 100 else 1),
            start=Month(2016, 1).plus((i * 5) % (12 * (target_year - 2015))),
            ramp_months=(0, 6, 12, 18, 24)[i % 5],
            side_status=(None, None, None, "at_risk", None, "on_hold", None, None)[i % 8],
            illustrative=True,
        )
        for i in range(size)
    )
    return Portfolio(items, Baseline(2015, Decimal("4.3e9"), 0.02),
                     (Target(target_year, Decimal("5.5e9")),))  # fmt: skip


def measure(case: str, engine: str) -> dict[str, float]:
    size, target_year, trials, reference_trials = CASES[case]
    data = portfolio(size, target_year)
    settings = ForecastSettings(target_year=target_year, trials=trials, seed=2016, workers=2)
    start = time.perf_counter()
    if engine == "engine":
        forecast(data, settings)
    else:
        trials = reference_trials
        reference_totals(data, settings, trials)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"trials": trials, "seconds": seconds, "rate": trials / seconds, "peak_mb": peak}


def run_case(case: str, engine: str) -> dict[str, float]:
    command = [sys.executable, __file__, case, engine]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    for case, (size, target_year, _, _) in CASES.items():
        fast, slow = run_case(case, "engine"), run_case(case, "reference")
        print(f"{case}: {size:,} initiatives, 2016-{target_year}")
        print(
            f"  engine    {fast['trials']:>9,.0f} trials in {fast['seconds']:7.2f} s = "
            f"{fast['rate']:>10,.0f} trials/s, peak {fast['peak_mb']:,.0f} MB"
        )
        print(
            f"  reference {slow['trials']:>9,.0f} trials in {slow['seconds']:7.2f} s = "
            f"{slow['rate']:>10,.1f} trials/s (extrapolated), peak {slow['peak_mb']:,.0f} MB"
        )
        print(f"  speed-up  {fast['rate'] / slow['rate']:,.0f}x")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(measure(sys.argv[1], sys.argv[2])))
    else:
        main()
