"""The backtest and the calibration of the forecast: one document each.

`synergies forecast backtest|calibrate --format json` prints these and `GET /forecast/backtest`
answers the first. EUR amounts are rounded to the euro, fractions have four places; a score
on fewer points than it needs has no value, and `shown` says "too few years (n=...)".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, Field

from synergies.forecasting.backtest import (
    NAIVE,
    Point,
    Uncertainty,
    by_horizon,
    histogram,
    scores,
)
from synergies.forecasting.scores import Score
from synergies.schemas.forecast import euros, share
from synergies.services.backtest import BacktestOutcome, CalibrationOutcome, Span

EUR_SCORES = ("CRPS", "pinball P10", "pinball P50", "pinball P90", "bias")


class PointOut(BaseModel):
    """One forecast year of one as-of year, against what was realized (EUR)."""

    as_of: int = Field(description="The realized year the forecast started from.")
    year: int
    horizon: int = Field(description="Years after `as_of`.")
    p10: Decimal
    p25: Decimal
    p50: Decimal
    p75: Decimal
    p90: Decimal
    realized: Decimal
    pit: Decimal = Field(description="The forecast's P(value < realized).")
    crps: Decimal = Field(description="EUR; lower is better.")
    target: Decimal | None = None
    target_probability: Decimal | None = None
    naive: dict[str, Decimal | None] = Field(description="The naive point forecasts, EUR.")

    @classmethod
    def of(cls, p: Point) -> PointOut:
        q = [euros(v) for v in p.quantiles]
        return cls(
            as_of=p.as_of, year=p.year, horizon=p.horizon, p10=q[0], p25=q[1], p50=q[2],
            p75=q[3], p90=q[4], realized=euros(p.realized), pit=share(p.pit),
            crps=euros(p.crps), target=euros(p.target) if p.target is not None else None,
            target_probability=(share(p.target_probability)
                                if p.target_probability is not None else None),
            naive={n: euros(v) if v is not None else None for n, v in p.naive.items()},
        )  # fmt: skip

    def row(self) -> dict[str, object]:
        return {"as of": self.as_of, "year": self.year, "h": self.horizon, "P10": self.p10,
                "P25": self.p25, "P50": self.p50, "P75": self.p75, "P90": self.p90,
                "realized": self.realized, "PIT": self.pit, "CRPS": self.crps}  # fmt: skip


class ScoreOut(BaseModel):
    """A score over `n` points; no value below `needs` points."""

    name: str
    value: Decimal | None = Field(description="EUR for CRPS, pinball and bias; else a fraction.")
    shown: str
    n: int
    needs: int
    nominal: Decimal | None = None
    meaning: str

    @classmethod
    def of(cls, s: Score) -> ScoreOut:
        value = None
        if s.value is not None:
            value = euros(s.value) if s.name in EUR_SCORES else share(s.value)
        nominal = share(s.nominal) if s.nominal is not None else None
        return cls(name=s.name, value=value, shown=s.shown, n=s.n, needs=s.needs,
                   nominal=nominal, meaning=s.meaning)  # fmt: skip


class ScoresOut(BaseModel):
    """The scores of one horizon (or of all, `horizon` null) and the PIT histogram."""

    horizon: int | None
    points: int
    scores: list[ScoreOut]
    pit_histogram: list[int] | None = Field(
        description="Counts of PIT values in five equal bins of [0, 1]; flat if calibrated."
    )

    @classmethod
    def of(cls, horizon: int | None, points: Sequence[Point]) -> ScoresOut:
        counts = histogram(points)
        return cls(
            horizon=horizon, points=len(points), scores=[ScoreOut.of(s) for s in scores(points)],
            pit_histogram=list(counts) if counts is not None else None,
        )  # fmt: skip


class UncertaintyOut(BaseModel):
    """Scales on the stage defaults: magnitude and baseline sigma, mean start slippage."""

    spread: Decimal
    slippage: Decimal

    @classmethod
    def of(cls, u: Uncertainty) -> UncertaintyOut:
        return cls(spread=share(u.spread), slippage=share(u.slippage))


class SpanOut(BaseModel):
    first: int = Field(description="First as-of year.")
    last: int = Field(description="Last as-of year.")
    horizons: int
    dating: str = Field(description="recorded: as the store recorded facts; effective: by "
                                    "the dates facts took effect (history loaded later).")  # fmt: skip

    @classmethod
    def of(cls, s: Span) -> SpanOut:
        return cls(first=s.first, last=s.last, horizons=s.horizons, dating=s.dating)


def _scores(points: Sequence[Point]) -> list[ScoresOut]:
    grouped = by_horizon(points)
    return [ScoresOut.of(h, grouped[h]) for h in sorted(grouped)] + [ScoresOut.of(None, points)]


class BacktestOut(BaseModel):
    """Each past year forecast from what the store knew then, scored on what came."""

    span: SpanOut
    trials: int
    seed: int
    rho: float
    uncertainty: UncertaintyOut
    naive_forecasts: list[str] = Field(description="The yardsticks of the skill scores.")
    notes: list[str]
    points: list[PointOut]
    scores: list[ScoresOut] = Field(description="Per horizon, then overall (horizon null).")

    @classmethod
    def of(cls, o: BacktestOutcome) -> BacktestOut:
        notes = sorted({n for c in o.cases for n in c.notes})
        return cls(
            span=SpanOut.of(o.span), trials=o.run.trials, seed=o.run.seed, rho=o.run.rho,
            uncertainty=UncertaintyOut.of(o.uncertainty), naive_forecasts=list(NAIVE),
            notes=notes, points=[PointOut.of(p) for p in o.points], scores=_scores(o.points),
        )  # fmt: skip


class HeldOutOut(BaseModel):
    as_of: int
    chosen: UncertaintyOut = Field(description="The fit on the other years.")


class CalibrationOut(BaseModel):
    """The uncertainty settings fitted on the backtest, before and after, side by side."""

    span: SpanOut
    trials: int
    seed: int
    default: UncertaintyOut
    fitted: UncertaintyOut
    before: ScoresOut = Field(description="Overall scores under the defaults.")
    after: ScoresOut = Field(description="Overall scores under the fit (in sample).")
    held_out_default: Decimal = Field(description="Mean CRPS / realized under the defaults.")
    held_out_fitted: Decimal = Field(
        description="The same, each as-of year forecast by the fit on the other years."
    )
    better_out_of_sample: bool
    held_out: list[HeldOutOut]
    at_edge: bool = Field(
        description="The fitted spread is the largest or smallest tried: read it as a sign of "
        "bias rather than a measured spread."
    )
    applied: bool = Field(description="Whether the fit was recorded (not yet possible).")

    @classmethod
    def of(cls, o: CalibrationOutcome) -> CalibrationOut:
        f = o.fit
        return cls(
            span=SpanOut.of(o.span), trials=o.run.trials, seed=o.run.seed,
            default=UncertaintyOut.of(f.default), fitted=UncertaintyOut.of(f.fitted),
            before=ScoresOut.of(None, f.default_points), after=ScoresOut.of(None, f.fitted_points),
            held_out_default=share(f.held_out_default), held_out_fitted=share(f.held_out_fitted),
            better_out_of_sample=f.better_out_of_sample,
            held_out=[HeldOutOut(as_of=y, chosen=UncertaintyOut.of(u))
                      for y, u in sorted(f.held_out_choices.items())],
            at_edge=f.at_edge, applied=False,
        )  # fmt: skip
