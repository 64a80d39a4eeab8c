"""Forecast results as plain rows (EUR as Decimal rounded to the euro) for table, JSON, CSV."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from synergies.forecasting.calibration import CalibratedProbability
from synergies.forecasting.forecast import ForecastResult
from synergies.forecasting.payback import Payback
from synergies.forecasting.tornado import Driver
from synergies.forecasting.whatif import WhatIf

Row = dict[str, object]
EURO = Decimal(1)


def euros(value: float) -> Decimal:
    """A simulated EUR amount rounded to the euro: Monte Carlo has no meaningful cents."""
    return Decimal(repr(value)).quantize(EURO, ROUND_HALF_EVEN)


def whole_euros(amount: Decimal) -> Decimal:
    """An exact EUR amount shown to the euro, in plain (not scientific) notation."""
    return amount.quantize(EURO, ROUND_HALF_EVEN)


def share(value: float) -> Decimal:
    """A probability or share as a Decimal with four places."""
    return Decimal(repr(value)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


def year_rows(result: ForecastResult) -> list[Row]:
    return [
        {"year": y.year, "mean": euros(y.mean), "p10": euros(y.p10), "p50": euros(y.p50),
         "p90": euros(y.p90), "std": euros(y.std)}
        for y in result.years
    ]  # fmt: skip


def target_rows(result: ForecastResult) -> list[Row]:
    return [
        {"year": t.year, "target": whole_euros(t.target), "probability": share(t.probability),
         "standard_error": share(t.standard_error), "expected_gap": euros(t.expected_gap),
         "expected_gap_se": euros(t.gap_standard_error)}
        for t in result.targets
    ]  # fmt: skip


def driver_rows(drivers: tuple[Driver, ...], limit: int | None = None) -> list[Row]:
    return [
        {"driver": d.name, "kind": d.kind, "variance_share": share(d.variance_share),
         "std_contribution": euros(d.std_contribution), "hypothetical": d.hypothetical,
         "illustrative": d.illustrative}
        for d in drivers[:limit]
    ]  # fmt: skip


def forecast_document(result: ForecastResult, limit: int = 10) -> dict[str, object]:
    """Everything in one JSON-ready document."""
    tornado = result.tornado
    return {
        "trials": result.trials,
        "seed": result.seed,
        "years": year_rows(result),
        "targets": target_rows(result),
        "tornado": {
            "target_year_std": euros(tornado.std),
            "initiatives": driver_rows(tornado.initiatives, limit),
            "functions": driver_rows(tornado.functions),
            "baseline": driver_rows((tornado.baseline,))[0],
        },
    }


def payback_rows(paybacks: list[Payback]) -> list[Row]:
    return [
        {"name": p.name, "one_off_cost": p.one_off_cost,
         "cumulative_savings": p.cumulative_savings, "net": p.net,
         "payback_month": str(p.payback_month) if p.payback_month else None,
         "months_to_payback": p.months_to_payback}
        for p in paybacks
    ]  # fmt: skip


def what_if_year_rows(result: WhatIf) -> list[Row]:
    return [
        {"year": y.year, "base_p50": euros(y.base_p50), "scenario_p50": euros(y.scenario_p50),
         "p50_change": euros(y.p50_change), "mean_change": euros(y.mean_change)}
        for y in result.years
    ]  # fmt: skip


def what_if_target_rows(result: WhatIf) -> list[Row]:
    return [
        {"year": t.year, "target": whole_euros(t.target), "base_probability": share(t.base_probability),
         "scenario_probability": share(t.scenario_probability), "change": share(t.change),
         "standard_error": share(t.standard_error)}
        for t in result.targets
    ]  # fmt: skip


def calibration_rows(calibrated: tuple[CalibratedProbability, ...]) -> list[Row]:
    return [
        {"stage": c.stage, "probability": share(c.probability), "source": c.source,
         "outcomes": c.outcomes, "delivered": c.delivered, "default": share(c.default)}
        for c in calibrated
    ]  # fmt: skip
