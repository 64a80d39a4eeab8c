"""Risk-adjusted forecast of alliance synergies: Monte Carlo over the initiative portfolio.

Pure: no I/O. Build a `Portfolio`, choose `ForecastSettings`, call `forecast`; `what_if`
compares a `Scenario` of hypothetical moves; `payback` and `calibrate` answer the rest.
"""

from synergies.forecasting.calibration import CalibratedProbability, StageOutcome, calibrate
from synergies.forecasting.forecast import ForecastResult, forecast
from synergies.forecasting.inputs import (
    Baseline,
    ForecastInitiative,
    Portfolio,
    SideStatus,
    Stage,
    Target,
)
from synergies.forecasting.payback import Payback, alliance_payback, payback
from synergies.forecasting.settings import ForecastSettings, Slippage
from synergies.forecasting.whatif import Scenario, WhatIf, converge, what_if

__all__ = [
    "Baseline",
    "CalibratedProbability",
    "ForecastInitiative",
    "ForecastResult",
    "ForecastSettings",
    "Payback",
    "Portfolio",
    "Scenario",
    "SideStatus",
    "Slippage",
    "Stage",
    "StageOutcome",
    "Target",
    "WhatIf",
    "alliance_payback",
    "calibrate",
    "converge",
    "forecast",
    "payback",
    "what_if",
]
