"""Builders for forecast tests: an illustrative alliance portfolio and exact results."""

from __future__ import annotations

import math
from decimal import Decimal
from statistics import NormalDist

import numpy as np

from synergies.domain.calendar import Month
from synergies.forecasting import Baseline, ForecastInitiative, ForecastSettings, Portfolio, Target
from synergies.forecasting.inputs import STAGES
from synergies.forecasting.settings import NO_SLIPPAGE

M = Decimal(1_000_000)


def fixed_item(name: str, millions: int, probability: float, function: str = "purchasing"):
    """All-or-nothing, full run-rate all year: starts before the horizon, no spread."""
    return ForecastInitiative(
        id=name,
        function=function,
        stage="L2",
        run_rate=millions * M,
        start=Month(2015, 1),
        probability=probability,
        sigma=0.0,
    )


def exact_settings(**changes: object) -> ForecastSettings:
    """No slippage, no magnitude spread, independent initiatives, one forecast year."""
    values: dict[str, object] = {
        "target_year": 2016,
        "trials": 40_000,
        "seed": 7,
        "rho": 0.0,
        "slippage": dict.fromkeys(STAGES, NO_SLIPPAGE),
    }
    values.update(changes)
    return ForecastSettings(**values)  # type: ignore[arg-type]


def alliance_portfolio() -> Portfolio:
    """Illustrative initiatives of the Renault-Nissan alliance in March 2016 (invented)."""
    rows = [
        ("purchasing: common sourcing of tyres", "purchasing", "L4", 180, (2016, 1), 6, None),
        ("purchasing: CMF parts harmonisation", "purchasing", "L3", 260, (2016, 4), 12, None),
        ("purchasing: logistics tender", "purchasing", "L2", 90, (2016, 7), 6, "at_risk"),
        ("engineering: CMF-B platform", "engineering", "L3", 300, (2016, 9), 18, None),
        ("engineering: shared EV powertrain", "engineering", "L1", 150, (2017, 1), 12, None),
        ("engineering: common test centres", "engineering", "L4", 70, (2016, 1), 3, None),
        ("manufacturing: plant sharing Sunderland", "manufacturing", "L2", 120, (2017, 1), 12,
         "on_hold"),
        ("manufacturing: press-line standard", "manufacturing", "L5", 60, (2016, 1), 0, None),
        ("hr: shared training academy", "human resources", "L3", 25, (2016, 6), 6, None),
        ("quality: joint warranty analytics", "quality", "L1", 40, (2017, 1), 6, None),
        ("costing: common cost tables", "costing", "L0", 35, (2017, 6), 6, None),
        ("purchasing: indirect spend", "purchasing", "L2", 70, (2016, 10), 9, "cancelled"),
    ]  # fmt: skip
    items = tuple(
        ForecastInitiative(
            id=name, function=function, stage=stage, run_rate=millions * M,  # type: ignore[arg-type]
            start=Month(*start), ramp_months=ramp, side_status=status,  # type: ignore[arg-type]
            one_off_cost=millions * M / 4, illustrative=True,
        )
        for name, function, stage, millions, start, ramp, status in rows
    )  # fmt: skip
    return Portfolio(
        items,
        Baseline(2015, Decimal("4.3e9"), sigma=0.02),
        (Target(2016, Decimal("4.6e9")), Target(2018, Decimal("5.5e9"))),
    )


def convolution(sizes: list[int], probabilities: list[float]) -> dict[int, float]:
    """P(sum = s) for independent Bernoulli(p_i) x size_i, by dynamic programming."""
    dist = {0: 1.0}
    for size, p in zip(sizes, probabilities, strict=True):
        nxt: dict[int, float] = {}
        for total, mass in dist.items():
            nxt[total] = nxt.get(total, 0.0) + mass * (1 - p)
            nxt[total + size] = nxt.get(total + size, 0.0) + mass * p
        dist = nxt
    return dist


def at_least(dist: dict[int, float], threshold: float) -> float:
    return math.fsum(mass for total, mass in dist.items() if total >= threshold)


def moment(dist: dict[int, float], order: int, about: float = 0.0) -> float:
    return math.fsum(mass * (total - about) ** order for total, mass in dist.items())


def vasicek_count(n: int, p: float, rho: float, nodes: int = 120) -> np.ndarray:
    """P(k of n deliver) for equal p and one shared factor (Gaussian copula), by quadrature."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / math.sqrt(2 * math.pi)
    q = NormalDist().inv_cdf(p)
    cond = np.array([NormalDist().cdf((q + math.sqrt(rho) * f) / math.sqrt(1 - rho)) for f in x])
    k = np.arange(n + 1)
    binom = np.array([math.comb(n, int(j)) for j in k], dtype=float)
    pmf = binom[None, :] * cond[:, None] ** k * (1 - cond[:, None]) ** (n - k)
    return (w[:, None] * pmf).sum(axis=0)
