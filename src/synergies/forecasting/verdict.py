"""The backtest's verdict in plain words, for the reader who reads one line.

Pure: built from the backtest's points through the same scores the tables show, so the words
and the figures cannot disagree. One year ahead is what the alliance plans on; the overall
figures follow, then skill against the yardsticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from synergies.forecasting.backtest import Point, by_horizon, scores
from synergies.forecasting.scores import Score
from synergies.forecasting.yardsticks import YARDSTICKS

YARDSTICK_WORDS = {
    "trend, t": "a straight line with t-intervals",
    "log-growth, t": "compound growth with t-intervals",
    "ensemble": "the mix of both",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the backtest says, as counts and amounts and as sentences built from them."""

    held: int  # one year ahead: years realized inside the P10-P90
    years: int  # one year ahead: years scored
    held_all: int
    points_all: int
    bias: float | None  # one year ahead: mean realized - P50, EUR
    skills: tuple[tuple[str, float], ...]  # overall skill against each yardstick scored

    @property
    def sentences(self) -> tuple[str, ...]:
        found = []
        if self.years:
            found.append(
                f"The 80% band (P10-P90) held {self.held} of {self.years} years one year "
                f"ahead, {self.held_all} of {self.points_all} over all horizons."
            )
        if self.bias is not None:
            found.append(f"One year ahead the forecast ran {_amount(self.bias)} on average.")
        beaten = [YARDSTICK_WORDS[n] for n, v in self.skills if v > 0]
        lost = [f"{YARDSTICK_WORDS[n]} ({v:+.2f})" for n, v in self.skills if v <= 0]
        if beaten:
            found.append(f"Over all horizons it beat {_join(beaten)}.")
        if lost:
            found.append(f"It did no better than {_join(lost)}: skill at or below 0.")
        return tuple(found) or ("Too few years were realized to judge the forecast.",)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def verdict(points: Sequence[Point]) -> Verdict:
    """The verdict on a backtest's points."""
    ahead = by_horizon(points).get(1, [])
    held = sum(p.quantile(0.1) <= p.realized <= p.quantile(0.9) for p in ahead)
    held_all = sum(p.quantile(0.1) <= p.realized <= p.quantile(0.9) for p in points)
    bias = _named(scores(ahead), "bias").value if ahead else None
    overall = scores(points) if points else []
    skills = tuple(
        (name, value)
        for name in YARDSTICKS
        if (value := _named(overall, f"skill vs {name}").value) is not None
    )
    return Verdict(held, len(ahead), held_all, len(points), bias, skills)


def _named(found: Sequence[Score], name: str) -> Score:
    return next((s for s in found if s.name == name), Score(name, None, 0, 1, ""))


def _amount(bias: float) -> str:
    """+40 m -> '40 m low' (realized above the P50), -395 m -> '395 m high'."""
    side = "low" if bias > 0 else "high"
    return f"{abs(bias) / 1e6:,.0f} m {side}" if bias else "on the mark"


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
