"""A recorded version of the forecast's uncertainty settings, as forecasts name it.

Pure. Version 0 is the documented defaults (nothing recorded); each recorded version is a fit
that beat the defaults out of sample (`calibrate --apply`) or a return to the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from synergies.forecasting.backtest import Uncertainty


@dataclass(frozen=True, slots=True)
class SettingsVersion:
    version: int
    uncertainty: Uncertainty
    recorded_at: datetime | None = None
    recorded_by: str = ""
    note: str = ""
    fitted_from: int | None = None  # as-of years the fit was made on (None: not a fit)
    fitted_to: int | None = None
    horizons: int | None = None
    trials: int | None = None
    seed: int | None = None
    held_out_default: float | None = None  # mean CRPS / realized out of sample, defaults
    held_out_fitted: float | None = None  # the same, each year forecast by the fit without it

    @property
    def fitted(self) -> bool:
        return self.fitted_from is not None

    def describe(self) -> str:
        """One line for a forecast's output: which settings it ran on."""
        u = self.uncertainty
        scales = f"spread x{u.spread:g}, slippage x{u.slippage:g}"
        if self.version == 0:
            return f"the defaults ({scales}; no calibration recorded)"
        day = self.recorded_at.date().isoformat() if self.recorded_at else "?"
        how = (
            f"fitted on as-of years {self.fitted_from}-{self.fitted_to}"
            if self.fitted
            else "the defaults again"
        )
        return f"version {self.version} ({scales}; {how}, recorded {day} by {self.recorded_by})"


DEFAULTS = SettingsVersion(0, Uncertainty())
