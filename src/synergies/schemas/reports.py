"""The synergy report: realized vs target by year, with a breakdown. Aggregates only.

The one document of the report: `synergies report --format json` prints it, the API answers
it, and `--format csv` writes its rows."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from synergies.domain.percent import percent
from synergies.reports.synergy_report import (
    Breakdown,
    ByValue,
    Reconciled,
    SynergyReport,
    YearLine,
)
from synergies.schemas.common import MoneyOut

Row = dict[str, object]


class ReconciledOut(BaseModel):
    """Declared against measured: where a measurement exists for an initiative, partner,
    month and value class, the measured figure counts and what was declared there is kept as
    confirmed, not added (README: "How savings are counted")."""

    measured: MoneyOut = Field(description="Proven from transactions: counted.")
    declared_confirmed: MoneyOut = Field(
        description="Declared for the cells that were measured: kept, not counted."
    )
    declared_only: MoneyOut = Field(description="Declared where nothing is measured: counted.")
    difference: MoneyOut = Field(
        description="Measured less declared_confirmed: what measuring changed in the total."
    )

    @classmethod
    def of(cls, r: Reconciled) -> ReconciledOut:
        m = MoneyOut.of
        return cls(
            measured=m(r.measured),
            declared_confirmed=m(r.declared_confirmed),
            declared_only=m(r.declared_only),
            difference=m(r.difference),
        )


class ByValueOut(BaseModel):
    """Realized synergies by value class: the headline counts all three (see README)."""

    hard: MoneyOut = Field(description="Cost reductions net of dis-synergies.")
    avoidance: MoneyOut = Field(description="Cost avoidance (soft savings).")
    other: MoneyOut = Field(description="Incremental revenue and capex avoidance.")

    @classmethod
    def of(cls, v: ByValue) -> ByValueOut:
        m = MoneyOut.of
        return cls(hard=m(v.hard), avoidance=m(v.avoidance), other=m(v.other))


class YearOut(BaseModel):
    year: int = Field(description="The (fiscal) year, by the year it starts in.")
    label: str = Field(description="The year as people say it: 2015, or FY2015.")
    realized: MoneyOut
    one_off_costs: MoneyOut
    target: MoneyOut | None
    illustrative_share: Decimal = Field(
        description="Percentage of the realized amount that is illustrative (4 places)."
    )
    reconciled: ReconciledOut
    by_value: ByValueOut

    @classmethod
    def of(cls, y: YearLine) -> YearOut:
        m = MoneyOut.of
        return cls(
            year=y.year,
            label=y.label,
            realized=m(y.realized),
            one_off_costs=m(y.one_off_costs),
            target=m(y.target) if y.target else None,
            illustrative_share=percent(y.illustrative_share),
            reconciled=ReconciledOut.of(y.reconciled),
            by_value=ByValueOut.of(y.by_value),
        )


class PositionOut(BaseModel):
    year: int
    realized: MoneyOut
    target_year: int
    target: MoneyOut
    gap: MoneyOut
    growth_needed: Decimal | None = Field(
        description="Compound annual growth needed to reach the target, as a fraction of 1."
    )


class BreakdownOut(BaseModel):
    key: str
    realized: MoneyOut
    share: Decimal = Field(description="Percentage of the year's realized amount (4 places).")
    reconciled: ReconciledOut


class BridgeStepOut(BaseModel):
    key: str
    change: MoneyOut = Field(description="How much the key added since the year before.")


class ReportOut(BaseModel):
    currency: str
    calendar: str
    years: list[YearOut]
    positions: list[PositionOut]
    breakdown_by: Breakdown
    breakdown_year: int | None
    breakdown: list[BreakdownOut]
    bridge: list[BridgeStepOut] = Field(
        description="From the year before the breakdown year to it, largest rise first."
    )
    rates_note: str = Field(description="How amounts in other currencies were converted.")

    @classmethod
    def of(cls, r: SynergyReport) -> ReportOut:
        m = MoneyOut.of
        return cls(
            currency=r.currency, calendar=r.calendar,
            years=[YearOut.of(y) for y in r.years],
            positions=[
                PositionOut(year=p.year, realized=m(p.realized), target_year=p.target_year,
                            target=m(p.target), gap=m(p.gap), growth_needed=p.growth_needed)
                for p in r.positions
            ],
            breakdown_by=r.breakdown_by, breakdown_year=r.breakdown_year,
            breakdown=[BreakdownOut(key=b.key, realized=m(b.realized), share=percent(b.share),
                                    reconciled=ReconciledOut.of(b.reconciled))
                       for b in r.breakdown],
            bridge=[BridgeStepOut(key=b.key, change=m(b.change)) for b in r.bridge],
            rates_note=r.rates_note,
        )  # fmt: skip

    def year_rows(self) -> list[Row]:
        """One flat row per year, amounts in the report's currency: for CSV."""
        return [
            {"year": y.year, "label": y.label, "currency": self.currency,
             "realized": y.realized.amount, "target": y.target.amount if y.target else None,
             "one_off_costs": y.one_off_costs.amount, "illustrative_share": y.illustrative_share,
             **_reconciled_row(y.reconciled), "hard": y.by_value.hard.amount,
             "avoidance": y.by_value.avoidance.amount, "other": y.by_value.other.amount}
            for y in self.years
        ]  # fmt: skip

    def breakdown_rows(self) -> list[Row]:
        """One flat row per key of the breakdown year: for CSV."""
        return [
            {"year": self.breakdown_year, self.breakdown_by.value: b.key,
             "currency": self.currency, "realized": b.realized.amount, "share": b.share,
             **_reconciled_row(b.reconciled)}
            for b in self.breakdown
        ]  # fmt: skip


def _reconciled_row(r: ReconciledOut) -> Row:
    return {
        "measured": r.measured.amount,
        "declared_confirmed": r.declared_confirmed.amount,
        "declared_only": r.declared_only.amount,
        "difference": r.difference.amount,
    }
