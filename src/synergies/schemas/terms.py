"""The growth and intake terms as every shell shows them: which are on, and their fit."""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from synergies.forecasting.term_choice import TermChoice
from synergies.forecasting.terms import GROWTH, INTAKE, TERM_NAMES, Terms

TERMS_RULE = "each term is on only where it wins leave-one-year-out CRPS on the store's own history"


class GrowthOut(BaseModel):
    mean: float = Field(
        description="Growth a year of realized savings beyond the known "
        "initiatives, shrunk toward 0."
    )
    year_sd: float = Field(description="Its spread from year to year.")
    years: int = Field(description="Past years it was fitted on.")


class IntakeOut(BaseModel):
    rate: float = Field(description="New initiatives a year, recent years.")
    median_run_rate: float = Field(description="EUR, of a new initiative's plan.")
    probability: float = Field(description="Gate probability a new initiative delivers.")


class TermsOut(BaseModel):
    """The model terms beyond the known initiatives, and which are on."""

    on: list[str] = Field(description="Terms switched on; the others are off.")
    off: list[str]
    rule: str = TERMS_RULE
    growth: GrowthOut | None = Field(description="The fit at the as-of year (if on).")
    intake: IntakeOut | None = Field(description="The fit at the as-of year (if on).")

    @classmethod
    def of(cls, terms: Terms) -> TermsOut:
        g, i = terms.growth, terms.intake
        return cls(
            on=list(terms.on),
            off=[n for n in TERM_NAMES if n not in terms.on],
            growth=GrowthOut(mean=round(g.mean, 4), year_sd=round(g.year_sd, 4), years=g.years)
            if g
            else None,
            intake=IntakeOut(
                rate=round(i.rate, 2),
                median_run_rate=round(math.exp(i.log_mean - i.log_sd**2 / 2)),
                probability=round(i.probability, 4),
            )
            if i
            else None,
        )

    def line(self) -> str:
        """One line for a report: what is on, with its fit."""
        parts = []
        if self.growth is not None:
            parts.append(
                f"{GROWTH} {self.growth.mean:+.1%} a year (sd {self.growth.year_sd:.1%}, "
                f"{self.growth.years} past years)"
            )
        if self.intake is not None:
            parts.append(
                f"{INTAKE}: {self.intake.rate:.2g} a year of median "
                f"{self.intake.median_run_rate / 1e6:,.0f} m EUR, "
                f"{self.intake.probability:.0%} delivered"
            )
        return f"Model terms on: {'; '.join(parts) or 'none'} ({TERMS_RULE})."


class ViewTermsOut(BaseModel):
    as_of: int
    on: list[str]


class BacktestTermsOut(BaseModel):
    """The terms in the backtest: each as-of year's, chosen on the other years."""

    on: list[str] = Field(description="The terms that win on all years: today's forecast's.")
    rule: str = TERMS_RULE
    by_as_of: list[ViewTermsOut]
    mean_crps: dict[str, float] = Field(
        description="Mean CRPS / realized over all points, per combination of terms."
    )

    @classmethod
    def of(cls, choice: TermChoice) -> BacktestTermsOut:
        return cls(
            on=list(choice.chosen),
            by_as_of=[ViewTermsOut(as_of=y, on=list(on)) for y, on in sorted(choice.used.items())],
            mean_crps={(" + ".join(c) or "none"): round(v, 4) for c, v in choice.crps.items()},
        )

    def line(self) -> str:
        years = ", ".join(f"{v.as_of} {' + '.join(v.on) or 'none'}" for v in self.by_as_of)
        return (
            f"Model terms on for today's forecast: {', '.join(self.on) or 'none'} "
            f"({TERMS_RULE}); used in each as-of year: {years}."
        )
