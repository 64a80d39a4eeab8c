"""Ramp-up: the share of the run-rate an initiative reaches in each month after its start."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from synergies.forecasting.inputs import ForecastInitiative

Profile = tuple[float, ...]


def profile_of(item: ForecastInitiative) -> Profile:
    """Fractions by month from the start; full run-rate after the profile ends.

    A linear ramp over R months reaches 1/R in the start month and 1 in month R-1.
    """
    if item.ramp_profile is not None:
        return item.ramp_profile
    months = item.ramp_months
    return tuple((k + 1) / months for k in range(months - 1)) if months > 1 else ()


def exact_profile(item: ForecastInitiative) -> tuple[Fraction, ...]:
    """The same profile in exact fractions, for money sums that must add up to the cent."""
    if item.ramp_profile is not None:
        return tuple(Fraction(str(f)) for f in item.ramp_profile)
    months = item.ramp_months
    return tuple(Fraction(k + 1, months) for k in range(months - 1)) if months > 1 else ()


def fraction_at(profile: Profile, months_since_start: int) -> float:
    """Share of the run-rate reached in a month; zero before the start."""
    if months_since_start < 0:
        return 0.0
    return profile[months_since_start] if months_since_start < len(profile) else 1.0


def year_fraction_table(
    profile: Profile, start_offsets: npt.NDArray[np.int64], years: int
) -> npt.NDArray[np.float64]:
    """Share of a full year's run-rate landing in each forecast year, per start offset.

    `start_offsets` are (slipped) start months counted from the first month of the first
    forecast year; the result has one row per offset and one column per year.
    """
    by_month = np.append(np.asarray(profile, dtype=np.float64), 1.0)
    months = np.arange(12 * years, dtype=np.int64)
    since_start = months[None, :] - start_offsets[:, None]
    share = np.where(since_start < 0, 0.0, by_month[np.clip(since_start, 0, len(profile))])
    result: npt.NDArray[np.float64] = share.reshape(len(start_offsets), years, 12).mean(axis=2)
    return result
