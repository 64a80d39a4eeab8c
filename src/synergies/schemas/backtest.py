"""The backtest and the calibration of the forecast: one document each.

`synergies forecast backtest|calibrate --format json` prints these and `GET /forecast/backtest`
answers the first. EUR amounts are rounded to the euro, fractions have four places; a score
on fewer points than it needs has no value, and `shown` says "too few years (n=...)".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, Field

from synergies.forecasting import initiative_bands as bands
from synergies.forecasting.backtest import (
    NAIVE,
    Point,
    Uncertainty,
    by_horizon,
    histogram,
    scores,
)
from synergies.forecasting.initiative_bands import InitiativePoint
from synergies.forecasting.scores import Score
from synergies.forecasting.verdict import Verdict, verdict
from synergies.forecasting.versions import SettingsVersion
from synergies.forecasting.yardsticks import YARDSTICKS
from synergies.schemas.common import Body
from synergies.schemas.forecast import SettingsVersionOut, euros, share
from synergies.schemas.terms import BacktestTermsOut
from synergies.services.backtest import BacktestOutcome, CalibrationOutcome, Span

MAX_CALIBRATION_TRIALS = 20_000
"""Trials per as-of year and candidate one request may ask for (the fit runs 28 candidates)."""
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
    yardsticks: dict[str, Decimal | None] = Field(
        default_factory=dict,
        description="The CRPS of each probabilistic yardstick, EUR (null: too few years).",
    )

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
            yardsticks={n: euros(v) if v is not None else None for n, v in p.yardsticks.items()},
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


class InitiativeRecordOut(BaseModel):
    initiative: str
    points: int
    inside_p10_p90: int = Field(description="Points whose realized fell inside the P10-P90.")
    mean_pit: Decimal


class InitiativeBandsOut(BaseModel):
    """The backtest at initiative level: each initiative with savings of its own known in an
    as-of year, forecast alone and set against what it realized in the years after."""

    points: int
    initiatives: int
    trials: int = Field(description="Trials per initiative and as-of year.")
    scores: list[ScoreOut]
    records: list[InitiativeRecordOut] = Field(
        description="Per initiative, most often outside its band first."
    )

    @classmethod
    def of(cls, points: Sequence[InitiativePoint], trials: int) -> InitiativeBandsOut:
        found = bands.records(points)
        return cls(
            points=len(points), initiatives=len(found), trials=min(trials, bands.TRIALS),
            scores=[ScoreOut.of(s) for s in bands.scores(points)],
            records=[InitiativeRecordOut(initiative=r.initiative, points=r.points,
                                         inside_p10_p90=r.inside_p10_p90,
                                         mean_pit=share(r.mean_pit)) for r in found],
        )  # fmt: skip


class VerdictOut(BaseModel):
    """The backtest's verdict in plain words, with the counts and amounts it is built from."""

    text: str = Field(description="The verdict, one paragraph.")
    sentences: list[str]
    held: int = Field(description="One year ahead: years realized inside the P10-P90.")
    years: int = Field(description="One year ahead: years scored.")
    held_all: int = Field(description="Points inside the P10-P90 over all horizons.")
    points_all: int
    bias: Decimal | None = Field(
        description="One year ahead: mean realized - P50, EUR (above 0: the forecast ran low)."
    )
    skills: dict[str, Decimal] = Field(
        description="Overall skill against each probabilistic yardstick scored."
    )

    @classmethod
    def of(cls, v: Verdict) -> VerdictOut:
        return cls(
            text=v.text,
            sentences=list(v.sentences),
            held=v.held,
            years=v.years,
            held_all=v.held_all,
            points_all=v.points_all,
            bias=euros(v.bias) if v.bias is not None else None,
            skills={name: share(value) for name, value in v.skills},
        )


class BacktestOut(BaseModel):
    """Each past year forecast from what the store knew then, scored on what came."""

    verdict: VerdictOut = Field(description="What the backtest says, in plain words.")
    span: SpanOut
    trials: int
    seed: int
    rho: float
    uncertainty: UncertaintyOut
    settings: SettingsVersionOut | None = Field(
        description="The recorded settings run (null when the caller chose the uncertainty)."
    )
    naive_forecasts: list[str] = Field(description="The point yardsticks of the skill scores.")
    yardsticks: list[str] = Field(
        description="The probabilistic yardsticks of the skill scores: a linear trend and a "
        "log-growth line with Student-t prediction intervals fitted on the years known at each "
        "as-of year, and their mixture weighted by leave-one-year-out CRPS."
    )
    notes: list[str]
    points: list[PointOut]
    scores: list[ScoresOut] = Field(description="Per horizon, then overall (horizon null).")
    initiatives: InitiativeBandsOut
    terms: BacktestTermsOut | None = Field(
        None, description="Growth and intake: which are on, in each as-of year and for today."
    )

    @classmethod
    def of(cls, o: BacktestOutcome) -> BacktestOut:
        notes = sorted({n for c in o.cases for n in c.notes})
        return cls(
            verdict=VerdictOut.of(verdict(o.points)),
            span=SpanOut.of(o.span), trials=o.run.trials, seed=o.run.seed, rho=o.run.rho,
            uncertainty=UncertaintyOut.of(o.uncertainty),
            settings=SettingsVersionOut.of(o.version) if o.version is not None else None,
            naive_forecasts=list(NAIVE), yardsticks=list(YARDSTICKS),
            notes=notes, points=[PointOut.of(p) for p in o.points], scores=_scores(o.points),
            initiatives=InitiativeBandsOut.of(o.initiative_points, o.run.trials),
            terms=BacktestTermsOut.of(o.terms) if o.terms is not None else None,
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
    bias: Decimal = Field(description="Mean realized - P50 under the fit, EUR.")
    crps: Decimal = Field(description="Mean CRPS under the fit, EUR.")
    biased: bool = Field(
        description="|bias| above half the CRPS: the error is mostly location, which no spread "
        "cures; such a fit is not applied."
    )
    applied: SettingsVersionOut | None = Field(
        description="The version the fit was recorded as (`--apply`), or null: nothing written."
    )

    @classmethod
    def of(cls, o: CalibrationOutcome, applied: SettingsVersion | None = None) -> CalibrationOut:
        f = o.fit
        return cls(
            span=SpanOut.of(o.span), trials=o.run.trials, seed=o.run.seed,
            default=UncertaintyOut.of(f.default), fitted=UncertaintyOut.of(f.fitted),
            before=ScoresOut.of(None, f.default_points), after=ScoresOut.of(None, f.fitted_points),
            held_out_default=share(f.held_out_default), held_out_fitted=share(f.held_out_fitted),
            better_out_of_sample=f.better_out_of_sample,
            held_out=[HeldOutOut(as_of=y, chosen=UncertaintyOut.of(u))
                      for y, u in sorted(f.held_out_choices.items())],
            at_edge=f.at_edge, bias=euros(f.bias), crps=euros(f.crps), biased=f.biased,
            applied=SettingsVersionOut.of(applied) if applied is not None else None,
        )  # fmt: skip


class SettingsOut(BaseModel):
    """The uncertainty settings in force and every recorded version, oldest first."""

    in_force: SettingsVersionOut
    versions: list[SettingsVersionOut]

    @classmethod
    def of(cls, in_force: SettingsVersion, versions: Sequence[SettingsVersion]) -> SettingsOut:
        return cls(in_force=SettingsVersionOut.of(in_force),
                   versions=[SettingsVersionOut.of(v) for v in versions])  # fmt: skip


class CalibrateIn(Body):
    """Fit the uncertainty on the backtest and record the fit as the settings in force; refused
    (409, nothing written) if it does no better than the defaults out of sample or lies at the
    edge of the grid."""

    from_: int | None = Field(
        default=None,
        alias="from",
        ge=1900,
        le=2199,
        description="First as-of year (default: the first realized).",
    )
    to: int | None = Field(
        default=None,
        ge=1900,
        le=2199,
        description="Last as-of year (default: the year before the last).",
    )
    horizon: int = Field(default=3, ge=1, le=3)
    trials: int = Field(default=5_000, ge=1, le=MAX_CALIBRATION_TRIALS)
    seed: int = Field(default=2016, ge=0, le=2**31 - 1)
    note: str = Field(default="", max_length=2_000, description="Why it is applied.")


class ResetIn(Body):
    note: str = Field(default="", max_length=2_000, description="Why the defaults return.")
