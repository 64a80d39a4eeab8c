"""The synergy report: realized vs target by year, with a breakdown. Aggregates only."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from synergies.reports.synergy_report import Breakdown, SynergyReport
from synergies.schemas.common import MoneyOut


class YearOut(BaseModel):
    year: int
    label: str
    realized: MoneyOut
    one_off_costs: MoneyOut
    target: MoneyOut | None
    illustrative_share: Decimal


class PositionOut(BaseModel):
    year: int
    realized: MoneyOut
    target_year: int
    target: MoneyOut
    gap: MoneyOut
    growth_needed: Decimal | None


class BreakdownOut(BaseModel):
    key: str
    realized: MoneyOut
    share: Decimal


class ReportOut(BaseModel):
    currency: str
    calendar: str
    years: list[YearOut]
    positions: list[PositionOut]
    breakdown_by: Breakdown
    breakdown_year: int | None
    breakdown: list[BreakdownOut]
    rates_note: str

    @classmethod
    def of(cls, r: SynergyReport) -> ReportOut:
        m = MoneyOut.of
        return cls(
            currency=r.currency, calendar=r.calendar,
            years=[
                YearOut(year=y.year, label=y.label, realized=m(y.realized),
                        one_off_costs=m(y.one_off_costs), target=m(y.target) if y.target else None,
                        illustrative_share=round(y.illustrative_share, 4))
                for y in r.years
            ],
            positions=[
                PositionOut(year=p.year, realized=m(p.realized), target_year=p.target_year,
                            target=m(p.target), gap=m(p.gap), growth_needed=p.growth_needed)
                for p in r.positions
            ],
            breakdown_by=r.breakdown_by, breakdown_year=r.breakdown_year,
            breakdown=[BreakdownOut(key=b.key, realized=m(b.realized), share=round(b.share, 4))
                       for b in r.breakdown],
            rates_note=r.rates_note,
        )  # fmt: skip
