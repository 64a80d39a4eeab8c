"""Which model terms a forecast uses: each is on only where it wins on the store's own history.

Pure. Every as-of year of the backtest is simulated once; the terms are fitted at each as-of
year from the years up to it only (growth from the one-year-ahead forecasts of the earlier
as-of years, intake from the arrivals known then), and the four combinations (none, growth,
intake, both) are scored on every point. Leave one year out: each as-of year's points use the
combination with the lowest mean CRPS on the other as-of years, so no year picks its own
terms; the forecast of today uses the combination that scores best on all of them. Ties keep
fewer terms.

The switch is the one thing a view takes from later years, as the calibrated uncertainty
settings are: the terms' figures are fitted on what the view knew, but whether a term is on is
the whole history's verdict. Choosing it only on outcomes known at each view was tried: early
views then decide on one or two points and switch the wrong terms on (on the example the
three-years-ahead bias went from +140 m to +600 m; on synthetic histories with intake the
three-years-ahead coverage fell from 0.76 to 0.59).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from synergies.forecasting.backtest import (
    Case,
    Point,
    Run,
    Uncertainty,
    mean_crps,
    points_of,
    simulate_case,
)
from synergies.forecasting.growth import fit_growth, residual
from synergies.forecasting.intake import Arrival, fit_intake
from synergies.forecasting.prepare import F64
from synergies.forecasting.terms import GROWTH, INTAKE, Terms, apply_terms

COMBINATIONS: tuple[tuple[str, ...], ...] = ((), (GROWTH,), (INTAKE,), (GROWTH, INTAKE))


@dataclass(frozen=True, slots=True)
class TermHistory:
    """What the terms are fitted on, as the store knew it year by year (EUR)."""

    first_year: int  # the history's first year: its register is the initial stock
    newcomers: Mapping[int, float]  # realized in a year by initiatives first known that year
    arrivals: tuple[Arrival, ...]


@dataclass(frozen=True, slots=True, eq=False)
class TermChoice:
    """The backtest with terms: its points, the terms each as-of year used (chosen without
    it), and the terms that win on all years (what today's forecast uses)."""

    points: tuple[Point, ...]
    used: Mapping[int, tuple[str, ...]]  # on and fitted (an as-of year may have no intake)
    chosen: tuple[str, ...]
    crps: Mapping[tuple[str, ...], float]  # mean scaled CRPS of each combination, all years
    fitted: Mapping[int, Terms]


def fitted_terms(
    as_of: int, expected: Mapping[int, float], known: Mapping[int, float], facts: TermHistory
) -> Terms:
    """Both terms fitted from what was known at the end of `as_of`: `expected` holds the
    one-year-ahead mean of the known initiatives forecast at each earlier as-of year."""
    residuals = [
        r
        for y in sorted(known)
        if y <= as_of and y - 1 in expected and y - 1 in known
        if (r := residual(known[y], facts.newcomers.get(y, 0.0), expected[y - 1], known[y - 1]))
        is not None
    ]
    return Terms(fit_growth(residuals), fit_intake(facts.arrivals, facts.first_year, as_of))


def choose_terms(
    cases: Sequence[Case],
    truth: Mapping[int, float],
    run: Run,
    uncertainty: Uncertainty,
    facts: TermHistory,
) -> TermChoice:
    """Simulate each case once, fit the terms per case and pick them leave-one-year-out."""
    known = {c.as_of: simulate_case(c, run, uncertainty) for c in cases}
    expected = {a: float(t[:, 0].mean()) for a, t in known.items()}
    fitted = {c.as_of: fitted_terms(c.as_of, expected, c.known, facts) for c in cases}
    scored = {
        combo: {
            c.as_of: _points(c, known[c.as_of], fitted[c.as_of].only(combo), truth, run)
            for c in cases
        }
        for combo in COMBINATIONS
    }
    used = {c.as_of: _best(scored, exclude=c.as_of) for c in cases}
    points = tuple(p for c in cases for p in scored[used[c.as_of]][c.as_of])
    crps = {combo: _crps(by_year) for combo, by_year in scored.items()}
    on = {year: fitted[year].only(combo).on for year, combo in used.items()}  # fitted ones
    return TermChoice(points, on, _best(scored), crps, fitted)


def _points(
    case: Case, known: F64, terms: Terms, truth: Mapping[int, float], run: Run
) -> list[Point]:
    start = float(case.portfolio.baseline.amount)
    return points_of(case, apply_terms(known, start, terms, run.seed).totals, truth)


def _crps(by_year: Mapping[int, list[Point]], exclude: int | None = None) -> float:
    return mean_crps([p for year, found in by_year.items() if year != exclude for p in found])


def _best(
    scored: Mapping[tuple[str, ...], Mapping[int, list[Point]]], exclude: int | None = None
) -> tuple[str, ...]:
    """The combination with the lowest mean CRPS (the first, with fewer terms, on a tie)."""
    return min(COMBINATIONS, key=lambda combo: _crps(scored[combo], exclude))
