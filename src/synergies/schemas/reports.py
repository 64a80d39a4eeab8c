"""The synergy report: realized vs target by year, with a breakdown. Aggregates only.

The one document of the report: `synergies report --format json` prints it, the API answers
it, and `--format csv` writes its rows."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from synergies.domain.percent import percent
from synergies.reports.synergy_report import Breakdown, SynergyReport
from synergies.schemas.common import MoneyOut

Row = dict[str, object]


class YearOut(BaseModel):
    year: int = Field(description="The (fiscal) year, by the year it starts in.")
    label: str = Field(description="The year as people say it: 2015, or FY2015.")
    realized: MoneyOut
    one_off_costs: MoneyOut
    target: MoneyOut | None
    illustrative_share: Decimal = Field(
        description="Percentage of the realized amount that is illustrative (4 places)."
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
            years=[
                YearOut(year=y.year, label=y.label, realized=m(y.realized),
                        one_off_costs=m(y.one_off_costs), target=m(y.target) if y.target else None,
                        illustrative_share=percent(y.illustrative_share))
                for y in r.years
            ],
            positions=[
                PositionOut(year=p.year, realized=m(p.realized), target_year=p.target_year,
                            target=m(p.target), gap=m(p.gap), growth_needed=p.growth_needed)
                for p in r.positions
            ],
            breakdown_by=r.breakdown_by, breakdown_year=r.breakdown_year,
            breakdown=[BreakdownOut(key=b.key, realized=m(b.realized), share=percent(b.share))
                       for b in r.breakdown],
            bridge=[BridgeStepOut(key=b.key, change=m(b.change)) for b in r.bridge],
            rates_note=r.rates_note,
        )  # fmt: skip

    def year_rows(self) -> list[Row]:
        """One flat row per year, amounts in the report's currency: for CSV."""
        return [
            {"year": y.year, "label": y.label, "currency": self.currency,
             "realized": y.realized.amount, "target": y.target.amount if y.target else None,
             "one_off_costs": y.one_off_costs.amount, "illustrative_share": y.illustrative_share}
            for y in self.years
        ]  # fmt: skip

    def breakdown_rows(self) -> list[Row]:
        """One flat row per key of the breakdown year: for CSV."""
        return [
            {"year": self.breakdown_year, self.breakdown_by.value: b.key,
             "currency": self.currency, "realized": b.realized.amount, "share": b.share}
            for b in self.breakdown
        ]  # fmt: skip
