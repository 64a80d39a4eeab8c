"""The vectorised engine and the per-trial Python reference agree in distribution."""

from __future__ import annotations

import math

import numpy as np

from synergies.forecasting import ForecastSettings, Portfolio, forecast
from synergies.forecasting.reference import reference_totals


def test_engine_matches_reference_in_distribution(alliance: Portfolio) -> None:
    settings = ForecastSettings(target_year=2018, trials=30_000, seed=21, rho=0.5)
    engine = forecast(alliance, settings).totals
    reference = reference_totals(alliance, settings, trials=3_000)
    for j in range(engine.shape[1]):
        a, b = engine[:, j], reference[:, j]
        se = math.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) < 4 * se, j
        assert math.isclose(a.std(), b.std(), rel_tol=0.08), j
        for level in (0.1, 0.5, 0.9):
            qa, qb = np.quantile(a, level), np.quantile(b, level)
            assert abs(qa - qb) < 0.1 * a.std(), (j, level)
    for target in (4.9e9, 5.1e9, 5.3e9):
        pa, pb = np.mean(engine[:, 2] >= target), np.mean(reference[:, 2] >= target)
        se = math.sqrt(pa * (1 - pa) / len(engine) + pb * (1 - pb) / len(reference))
        assert abs(pa - pb) < 4 * se + 1e-3
