"""The forecast, the what-if and the payback: one document each.

`synergies forecast|whatif|payback --format json` prints these, the API answers them and
`--format csv` writes their main rows. Simulated EUR amounts are rounded to the euro (Monte
Carlo has no meaningful cents); probabilities and shares are fractions of 1 with four places.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Stage
from synergies.forecasting import CalibratedProbability, ForecastResult, Payback
from synergies.forecasting.summary import TargetOutlook, YearOutlook
from synergies.forecasting.tornado import Driver
from synergies.forecasting.versions import SettingsVersion
from synergies.forecasting.whatif import TargetDelta, YearDelta
from synergies.schemas.common import Body, Day, Key, Year, decimal_schema, number_schema
from synergies.schemas.terms import TermsOut
from synergies.services.forecasts import MAX_HORIZON_YEARS, ForecastOutcome, PaybackOutcome
from synergies.services.whatif import ConvergenceMove, WhatIfOutcome

EURO = Decimal(1)
MAX_TRIALS = 200_000
"""Trials one request may ask for: 100,000 take well under a second on the example."""
TORNADO_INITIATIVES = 10

Trials = Annotated[int, Field(ge=1, le=MAX_TRIALS, description="Monte Carlo trials.")]
Seed = Annotated[
    int, Field(ge=0, le=2**63 - 1, description="The same seed gives the same figures.")
]
Rho = Annotated[
    float, Field(ge=0, le=1, description="Weight of the shared function factor (0: independent).")
]


def euros(value: float) -> Decimal:
    """A simulated EUR amount rounded to the euro: Monte Carlo has no meaningful cents."""
    return Decimal(repr(value)).quantize(EURO, ROUND_HALF_EVEN)


def whole_euros(amount: Decimal) -> Decimal:
    """An exact EUR amount shown to the euro, in plain (not scientific) notation."""
    return amount.quantize(EURO, ROUND_HALF_EVEN)


def share(value: float) -> Decimal:
    """A probability or share of 1 as a Decimal with four places."""
    return Decimal(repr(value)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


class YearOutlookOut(BaseModel):
    """One year's annual synergies over the trials, EUR."""

    year: int
    mean: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    std: Decimal

    @classmethod
    def of(cls, y: YearOutlook) -> YearOutlookOut:
        return cls(year=y.year, mean=euros(y.mean), p10=euros(y.p10), p50=euros(y.p50),
                   p90=euros(y.p90), std=euros(y.std))  # fmt: skip


class TargetOutlookOut(BaseModel):
    """The odds of meeting a target, with Monte Carlo standard errors."""

    year: int
    target: Decimal = Field(description="EUR.")
    probability: Decimal = Field(description="P(the year's synergies >= the target).")
    standard_error: Decimal
    expected_gap: Decimal = Field(description="Mean shortfall in EUR, meeting trials as 0.")
    expected_gap_se: Decimal

    @classmethod
    def of(cls, t: TargetOutlook) -> TargetOutlookOut:
        return cls(
            year=t.year, target=whole_euros(t.target), probability=share(t.probability),
            standard_error=share(t.standard_error), expected_gap=euros(t.expected_gap),
            expected_gap_se=euros(t.gap_standard_error),
        )  # fmt: skip


class DriverOut(BaseModel):
    """One bar of the tornado: its share of the target year's variance."""

    driver: str
    kind: Literal["initiative", "function", "baseline", "term"]
    variance_share: Decimal
    std_contribution: Decimal = Field(description="EUR of the standard deviation.")
    hypothetical: bool
    illustrative: bool

    @classmethod
    def of(cls, d: Driver) -> DriverOut:
        return cls(
            driver=d.name, kind=d.kind, variance_share=share(d.variance_share),
            std_contribution=euros(d.std_contribution), hypothetical=d.hypothetical,
            illustrative=d.illustrative,
        )  # fmt: skip


class TornadoOut(BaseModel):
    """What drives the target year's uncertainty, largest first."""

    target_year_std: Decimal = Field(description="EUR.")
    initiatives: list[DriverOut] = Field(description=f"The {TORNADO_INITIATIVES} largest.")
    functions: list[DriverOut]
    baseline: DriverOut
    terms: list[DriverOut] = Field(
        default_factory=list,
        description="Growth of realized savings and initiatives not yet identified, if on.",
    )


class CalibrationOut(BaseModel):
    """A stage's probability of delivery and how it was set: from history or the default."""

    stage: str
    probability: Decimal
    source: Literal["history", "default"]
    outcomes: int
    delivered: int
    default: Decimal
    explanation: str

    @classmethod
    def of(cls, c: CalibratedProbability) -> CalibrationOut:
        return cls(
            stage=c.stage, probability=share(c.probability), source=c.source,
            outcomes=c.outcomes, delivered=c.delivered, default=share(c.default),
            explanation=c.explanation,
        )  # fmt: skip


class ExcludedOut(BaseModel):
    initiative: str
    reason: str


class RealizedOut(BaseModel):
    year: int
    realized: Decimal = Field(description="EUR.")


def _tornado(result: ForecastResult) -> TornadoOut:
    t = result.tornado
    return TornadoOut(
        target_year_std=euros(t.std),
        initiatives=[DriverOut.of(d) for d in t.initiatives[:TORNADO_INITIATIVES]],
        functions=[DriverOut.of(d) for d in t.functions],
        baseline=DriverOut.of(t.baseline),
        terms=[DriverOut.of(d) for d in t.terms],
    )


class SettingsVersionOut(BaseModel):
    """The uncertainty settings a forecast ran on: a recorded version, or 0 (the defaults)."""

    version: int = Field(description="0: the documented defaults, nothing recorded.")
    spread: Decimal = Field(description="Scale on every magnitude sigma and the baseline's.")
    slippage: Decimal = Field(description="Scale on every stage's mean start slippage.")
    described: str
    recorded_at: datetime | None
    recorded_by: str
    note: str
    fitted_from: int | None = Field(description="First as-of year of the fit (null: no fit).")
    fitted_to: int | None
    held_out_default: Decimal | None = Field(
        description="Mean CRPS / realized of the defaults, leave-one-year-out."
    )
    held_out_fitted: Decimal | None = Field(description="The same, of the fit.")

    @classmethod
    def of(cls, v: SettingsVersion) -> SettingsVersionOut:
        return cls(
            version=v.version, spread=share(v.uncertainty.spread),
            slippage=share(v.uncertainty.slippage), described=v.describe(),
            recorded_at=v.recorded_at, recorded_by=v.recorded_by, note=v.note,
            fitted_from=v.fitted_from, fitted_to=v.fitted_to,
            held_out_default=_maybe_share(v.held_out_default),
            held_out_fitted=_maybe_share(v.held_out_fitted),
        )  # fmt: skip


def _maybe_share(value: float | None) -> Decimal | None:
    return None if value is None else share(value)


class ForecastOut(BaseModel):
    """The Monte Carlo forecast from the end of the realized year `as_of` to `target_year`."""

    trials: int
    seed: int
    rho: float
    as_of: int = Field(description="The realized year the forecast starts from.")
    target_year: int
    baseline: Decimal = Field(description="EUR realized in `as_of`, assumed to persist.")
    live_initiatives: int = Field(description="Initiatives that add to the baseline.")
    years: list[YearOutlookOut]
    targets: list[TargetOutlookOut]
    tornado: TornadoOut
    calibration: list[CalibrationOut]
    excluded: list[ExcludedOut] = Field(description="Initiatives not forecast, and why.")
    realized_since: list[RealizedOut] = Field(
        description="Realized after `as_of` (EUR), to set the forecast against; not used by it."
    )
    uncertainty: SettingsVersionOut = Field(
        description="The recorded uncertainty settings the forecast ran on."
    )
    view: str = Field(
        default="today",
        description="today: the register as it stands; known then: the portfolio as the store "
        "knew it at the end of `as_of` (an earlier year asked for), as the backtest sees it.",
    )
    notes: list[str] = Field(default_factory=list, description="How the portfolio was seen.")
    terms: TermsOut = Field(description="Growth and intake: which are on, and their fit.")

    @classmethod
    def of(cls, outcome: ForecastOutcome) -> ForecastOut:
        inputs, result = outcome.inputs, outcome.result
        baseline = inputs.portfolio.baseline
        return cls(
            trials=result.trials, seed=result.seed, rho=inputs.settings.rho,
            as_of=baseline.year, target_year=result.target_year.year,
            baseline=whole_euros(baseline.amount),
            live_initiatives=len(inputs.portfolio.initiatives),
            years=[YearOutlookOut.of(y) for y in result.years],
            targets=[TargetOutlookOut.of(t) for t in result.targets],
            tornado=_tornado(result),
            calibration=[CalibrationOut.of(c) for c in inputs.calibration],
            excluded=[ExcludedOut(initiative=e.initiative, reason=e.reason)
                      for e in inputs.excluded],
            realized_since=[RealizedOut(year=y, realized=whole_euros(v))
                            for y, v in sorted(inputs.realized.items())],
            uncertainty=SettingsVersionOut.of(inputs.uncertainty),
            view=inputs.view, notes=list(inputs.notes),
            terms=TermsOut.of(result.terms),
        )  # fmt: skip


SavingPercent = Annotated[
    Decimal,
    Field(max_digits=7, decimal_places=4, allow_inf_nan=False),
    number_schema(r"^\+?(100(\.0{1,4})?|[1-9][0-9]?(\.[0-9]{1,4})?|0\.[0-9]{0,3}[1-9])$", 1, 100),
]
CostBase = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=2, allow_inf_nan=False),
    decimal_schema(16, 2, "positive"),
]


class ConvergenceMoveIn(Body):
    """A hypothetical move: converge a function from a date, saving a share of its costs."""

    function: Key = Field(examples=["sales-marketing"])
    start: Day = Field(description="The day convergence starts.", examples=["2016-07-01"])
    saving_percent: SavingPercent = Field(
        examples=["3"], description="Saving at full ramp, in percent of the cost base: above "
        "0, at most 100.",
    )  # fmt: skip
    cost_base: CostBase = Field(
        examples=["10000000000"],
        description="The function's annual cost in EUR across the partners, above 0.",
    )  # fmt: skip
    ramp_months: int = Field(24, ge=0, le=120, description="Months to reach the full saving.")
    stage: Stage = Field(Stage.L1, description="Stage of the hypothetical initiative.")

    def to_domain(self) -> ConvergenceMove:
        return ConvergenceMove(
            self.function, Month.of(self.start), self.saving_percent, self.cost_base,
            self.ramp_months, self.stage,
        )  # fmt: skip


class WhatIfIn(Body):
    """Moves applied together, and the forecast they are set against."""

    moves: list[ConvergenceMoveIn] = Field(min_length=1, max_length=20)
    target_year: Year = Field(2018, description="After the realized year it starts from "
                              f"(as_of), at most {MAX_HORIZON_YEARS} years on.")  # fmt: skip
    as_of: Year | None = Field(None, description="Default: the latest realized year.")
    trials: Trials = 100_000
    seed: Seed = 2016
    rho: Rho = 0.3


class MoveOut(BaseModel):
    function: str
    start: str = Field(description="The month convergence starts, YYYY-MM.")
    saving_percent: Decimal
    cost_base: Decimal = Field(description="EUR a year.")
    ramp_months: int
    stage: Stage

    @classmethod
    def of(cls, m: ConvergenceMove) -> MoveOut:
        return cls(function=m.function, start=str(m.start), saving_percent=m.saving_percent,
                   cost_base=m.cost_base, ramp_months=m.ramp_months, stage=m.stage)  # fmt: skip


class WhatIfYearOut(BaseModel):
    """A year's P50 with and without the moves (EUR), on the same draws."""

    year: int
    base_p50: Decimal
    scenario_p50: Decimal
    p50_change: Decimal
    mean_change: Decimal

    @classmethod
    def of(cls, y: YearDelta) -> WhatIfYearOut:
        return cls(year=y.year, base_p50=euros(y.base_p50), scenario_p50=euros(y.scenario_p50),
                   p50_change=euros(y.p50_change), mean_change=euros(y.mean_change))  # fmt: skip


class WhatIfTargetOut(BaseModel):
    """The odds of a target with and without the moves; the s.e. is of the paired change."""

    year: int
    target: Decimal = Field(description="EUR.")
    base_probability: Decimal
    scenario_probability: Decimal
    change: Decimal
    standard_error: Decimal

    @classmethod
    def of(cls, t: TargetDelta) -> WhatIfTargetOut:
        return cls(
            year=t.year, target=whole_euros(t.target), base_probability=share(t.base_probability),
            scenario_probability=share(t.scenario_probability), change=share(t.change),
            standard_error=share(t.standard_error),
        )  # fmt: skip


class WhatIfOut(BaseModel):
    """The forecast with and without hypothetical moves; nothing is written."""

    scenario: str
    moves: list[MoveOut]
    trials: int
    seed: int
    as_of: int
    target_year: int
    years: list[WhatIfYearOut]
    targets: list[WhatIfTargetOut]

    @classmethod
    def of(cls, outcome: WhatIfOutcome) -> WhatIfOut:
        result = outcome.result
        return cls(
            scenario=result.scenario.name, moves=[MoveOut.of(m) for m in outcome.moves],
            trials=result.base.trials, seed=result.base.seed,
            as_of=outcome.inputs.portfolio.baseline.year,
            target_year=result.base.target_year.year,
            years=[WhatIfYearOut.of(y) for y in result.years],
            targets=[WhatIfTargetOut.of(t) for t in result.targets],
        )  # fmt: skip


class PaybackOut(BaseModel):
    """Costs, savings to the horizon and the payback month (none: not by then)."""

    name: str
    one_off_cost: Decimal = Field(description="EUR.")
    cumulative_savings: Decimal = Field(description="EUR, to the end of the horizon.")
    net: Decimal = Field(description="EUR.")
    payback_month: str | None = Field(description="YYYY-MM, or null: not by the horizon.")
    months_to_payback: int | None = Field(description="From the first one-off cost.")

    @classmethod
    def of(cls, p: Payback) -> PaybackOut:
        return cls(
            name=p.name, one_off_cost=p.one_off_cost, cumulative_savings=p.cumulative_savings,
            net=p.net, payback_month=str(p.payback_month) if p.payback_month else None,
            months_to_payback=p.months_to_payback,
        )  # fmt: skip


class PaybackReportOut(BaseModel):
    """Payback on the plan (locked plan if any, else the forecast), deterministic."""

    until: str = Field(description="The last month counted, YYYY-MM.")
    initiatives: list[PaybackOut]
    alliance: PaybackOut = Field(description="Every initiative's costs and savings pooled.")

    @classmethod
    def of(cls, outcome: PaybackOutcome) -> PaybackReportOut:
        return cls(
            until=str(outcome.until),
            initiatives=[PaybackOut.of(p) for p in outcome.initiatives],
            alliance=PaybackOut.of(outcome.alliance),
        )

    def rows(self) -> list[PaybackOut]:
        """The table's and the CSV's rows: each initiative, then the alliance."""
        return [*self.initiatives, self.alliance]
