"""The model terms beyond the known initiatives, added to the engine's per-trial totals.

Pure. `L_k = L_{k-1}(1 + g_k) + I_k + Delta_known,k`: the engine gives T_k, the baseline plus
the known initiatives (so Delta_known,k = T_k - T_{k-1}, T_0 the realized year); growth g
compounds the whole level; intake adds what initiatives not yet identified bring each year.
The terms run per year, vectorised over trials, after the initiative simulation, from their
own random streams keyed by the forecast's seed: the same seed gives the same figures, and the
engine's draws are those of a forecast without the terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synergies.forecasting.growth import Growth
from synergies.forecasting.intake import Intake
from synergies.forecasting.prepare import F64

GROWTH = "growth of realized savings"
INTAKE = "initiatives not yet identified"
TERM_NAMES = (GROWTH, INTAKE)
_STREAM = 0x7E2A5  # keeps the terms' streams apart from the engine's (seed, block, kind)


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms a forecast adds; None where a term is off."""

    growth: Growth | None = None
    intake: Intake | None = None

    @property
    def on(self) -> tuple[str, ...]:
        names = ((GROWTH, self.growth), (INTAKE, self.intake))
        return tuple(name for name, term in names if term is not None)

    def only(self, names: tuple[str, ...]) -> Terms:
        """These terms with those not named switched off."""
        return Terms(
            self.growth if GROWTH in names else None, self.intake if INTAKE in names else None
        )


@dataclass(frozen=True, slots=True, eq=False)
class WithTerms:
    """Per-trial totals with the terms, and each term's part of them (trials, years)."""

    totals: F64
    growth: F64
    intake: F64


def apply_terms(known: F64, start: float, terms: Terms, seed: int) -> WithTerms:
    """Add `terms` to `known` (trials, years), the engine's totals after the realized `start`."""
    trials, years = known.shape
    zero = np.zeros((trials, years))
    if terms.growth is None and terms.intake is None:
        return WithTerms(known, zero, zero)
    rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence([seed, _STREAM])))
    growth = terms.growth.draws(rng, trials, years) if terms.growth else np.zeros_like(zero)
    intake = terms.intake.contributions(rng, trials, years) if terms.intake else zero
    level = np.empty_like(known)
    previous_known = np.full(trials, start)
    previous_level = np.full(trials, start)
    previous_intake = np.zeros(trials)
    for k in range(years):
        step = known[:, k] - previous_known + intake[:, k] - previous_intake
        level[:, k] = previous_level * (1.0 + growth[:, k]) + step
        previous_known, previous_level, previous_intake = known[:, k], level[:, k], intake[:, k]
    grown = level - known - intake if terms.growth else zero  # no rounding dust when off
    return WithTerms(level, grown, intake)
