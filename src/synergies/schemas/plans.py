"""Locked plans and the comparison against one: one document each, for every shell."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from synergies.domain.plans import LockedPlan, PlannedInitiative
from synergies.schemas.common import Body, Name
from synergies.schemas.forecast import whole_euros
from synergies.services.plans import Comparison, PlanComparison


class PlanIn(Body):
    name: Name = Field(examples=["budget 2016"], description="Used once; never changes.")


class PlannedInitiativeOut(BaseModel):
    """An approved initiative as the plan froze it, in EUR."""

    id: str
    name: str
    function: str
    stage: str
    run_rate_eur: Decimal
    one_off_costs_eur: Decimal
    start: str = Field(description="YYYY-MM.")
    ramp_months: int

    @classmethod
    def of(cls, p: PlannedInitiative) -> PlannedInitiativeOut:
        return cls(
            id=p.id, name=p.name, function=p.function, stage=p.stage,
            run_rate_eur=p.run_rate_eur, one_off_costs_eur=p.one_off_costs_eur, start=p.start,
            ramp_months=p.ramp_months,
        )  # fmt: skip


class PlanSummaryOut(BaseModel):
    name: str
    locked_at: datetime
    locked_by: str
    initiatives: int = Field(description="How many initiatives the plan holds.")
    run_rate_eur: Decimal = Field(description="Their run-rate at full ramp, EUR.")

    @classmethod
    def of(cls, plan: LockedPlan) -> PlanSummaryOut:
        return cls(name=plan.name, locked_at=plan.locked_at, locked_by=plan.locked_by,
                   initiatives=len(plan.items), run_rate_eur=plan.run_rate_eur)  # fmt: skip


class LockedPlanOut(BaseModel):
    """A locked plan with every initiative it froze."""

    name: str
    locked_at: datetime
    locked_by: str
    run_rate_eur: Decimal
    items: list[PlannedInitiativeOut]

    @classmethod
    def of(cls, plan: LockedPlan) -> LockedPlanOut:
        return cls(
            name=plan.name, locked_at=plan.locked_at, locked_by=plan.locked_by,
            run_rate_eur=plan.run_rate_eur,
            items=[PlannedInitiativeOut.of(p) for p in plan.items],
        )  # fmt: skip


class InitiativeComparisonOut(BaseModel):
    """One initiative: its plan, its working forecast now, and what it realized (EUR)."""

    initiative: str
    function: str
    stage_then: str
    stage_now: str = Field(description="Its stage now, 'gone' if it no longer exists.")
    plan_run_rate: Decimal
    forecast_run_rate: Decimal
    forecast_vs_plan: Decimal
    realized: Decimal = Field(description="Synergies booked in the year compared.")

    @classmethod
    def of(cls, c: Comparison) -> InitiativeComparisonOut:
        return cls(
            initiative=c.key, function=c.function, stage_then=c.stage_then,
            stage_now=c.stage_now, plan_run_rate=whole_euros(c.plan_run_rate),
            forecast_run_rate=whole_euros(c.forecast_run_rate),
            forecast_vs_plan=whole_euros(c.forecast_vs_plan), realized=whole_euros(c.realized),
        )  # fmt: skip


class FunctionComparisonOut(BaseModel):
    """A function's subtotal of the comparison (EUR)."""

    function: str
    plan_run_rate: Decimal
    forecast_run_rate: Decimal
    forecast_vs_plan: Decimal
    realized: Decimal

    @classmethod
    def of(cls, c: Comparison) -> FunctionComparisonOut:
        return cls(
            function=c.key, plan_run_rate=whole_euros(c.plan_run_rate),
            forecast_run_rate=whole_euros(c.forecast_run_rate),
            forecast_vs_plan=whole_euros(c.forecast_vs_plan), realized=whole_euros(c.realized),
        )  # fmt: skip


class PlanComparisonOut(BaseModel):
    """The working forecast and the realized ledger against a locked plan, EUR to the euro."""

    plan: str
    year: int = Field(description="The year of the realized synergies.")
    initiatives: list[InitiativeComparisonOut]
    functions: list[FunctionComparisonOut]

    @classmethod
    def of(cls, c: PlanComparison) -> PlanComparisonOut:
        return cls(
            plan=c.plan, year=c.year,
            initiatives=[InitiativeComparisonOut.of(r) for r in c.initiatives],
            functions=[FunctionComparisonOut.of(r) for r in c.functions],
        )  # fmt: skip
