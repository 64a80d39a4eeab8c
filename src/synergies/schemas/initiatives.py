"""Initiatives: their figures, allocation (shares only), stage, approval and sign-offs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.initiative_status import InitiativeStatus
from synergies.domain.initiatives import (
    Category,
    Initiative,
    PlanFigures,
    SideStatus,
    SignOff,
    Stage,
)
from synergies.domain.money import Money
from synergies.domain.partners import CODE_PATTERN
from synergies.domain.percent import percent
from synergies.schemas.common import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    Amount,
    Body,
    Code,
    Currency,
    Day,
    Key,
    MoneyOut,
    MonthText,
    Name,
    decimal_schema,
    month,
    number_schema,
)

InitiativeId = Annotated[
    str,
    Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"),
    AfterValidator(str.upper),  # ids are upper case (PUR-001), whoever types them
]
WEIGHT_DIGITS, WEIGHT_PLACES = 18, 6
_WEIGHT = decimal_schema(WEIGHT_DIGITS, WEIGHT_PLACES, "not negative")
Weight = Annotated[
    Decimal, Field(ge=0, max_digits=24, decimal_places=6, allow_inf_nan=False), _WEIGHT
]
# Partner codes as keys (of any case: upper-cased), and not every weight zero. That fixed
# shares sum to 100 is checked by AllocationRule: no JSON schema can say it.
_ZERO = {"anyOf": [{"const": 0}, {"type": "string", "pattern": r"^\+?0+(\.0+)?$"}]}
Weights = Annotated[
    dict[Code, Weight],
    WithJsonSchema({
        "type": "object", "minProperties": 1, "maxProperties": 20,
        "propertyNames": {"minLength": 2, "maxLength": 20, "pattern": CODE_PATTERN},
        "additionalProperties": _WEIGHT.json_schema, "not": {"additionalProperties": _ZERO},
    }),
]  # fmt: skip
Cost = Annotated[Amount, decimal_schema(AMOUNT_DIGITS, AMOUNT_PLACES, "not negative")]


class FiguresIn(Body):
    """The working forecast: run-rate at full ramp, one-off costs, start month and ramp."""

    currency: Currency = "EUR"
    run_rate: Cost
    one_off_costs: Cost = Decimal(0)
    start: MonthText
    ramp_months: int = Field(12, ge=0, le=120)

    def to_domain(self) -> PlanFigures:
        return PlanFigures(
            Money.of(self.run_rate, self.currency), Money.of(self.one_off_costs, self.currency),
            month(self.start, "start"), self.ramp_months,
        )  # fmt: skip


class FiguresOut(BaseModel):
    run_rate: MoneyOut
    one_off_costs: MoneyOut
    start: str
    ramp_months: int

    @classmethod
    def of(cls, f: PlanFigures | None) -> FiguresOut | None:
        if f is None:
            return None
        return cls(
            run_rate=MoneyOut.of(f.run_rate), one_off_costs=MoneyOut.of(f.one_off_costs),
            start=str(f.start), ramp_months=f.ramp_months,
        )  # fmt: skip


class AllocationIn(Body):
    method: AllocationMethod
    weights: Weights = Field(
        min_length=1, max_length=20,
        description="Per partner: a percentage (fixed: they sum to 100), a volume, or a cost "
        "base; not all zero. Cost bases are confidential to their partner and never shown "
        "back, only the shares.",
    )  # fmt: skip

    def to_domain(self) -> AllocationRule:
        return AllocationRule(self.method, tuple(self.weights.items()))


class AllocationOut(BaseModel):
    method: AllocationMethod
    shares: dict[str, Decimal] | None = Field(
        description="Percentage of the saving each partner gets (rounded to 4 places); null "
        "for a cost-base split, whose shares are confidential: a partner's own cost base and "
        "its share give the other partner's (other = own x (1 - share) / share), so they are "
        "read only as the weights themselves, GET /initiatives/{id}/weights/{partner}, by "
        "whoever may read every sharing partner's confidential data (admins, the clean team)."
    )

    @classmethod
    def of(cls, rule: AllocationRule) -> AllocationOut:
        if rule.method is AllocationMethod.cost_base:
            return cls(method=rule.method, shares=None)
        shares = {p: percent(s) for p, s in rule.shares().items()}
        return cls(method=rule.method, shares=shares)


class InitiativeIn(Body):
    id: InitiativeId
    name: Name
    function: Key
    owner: Name = Field(description="Who proposes it (cannot sign its savings off).")
    category: Category
    allocation: AllocationIn
    agreement: Code | None = None

    def to_domain(self) -> Initiative:
        return Initiative(
            id=self.id, name=self.name, function=self.function, owner=self.owner,
            category=self.category, allocation=self.allocation.to_domain(),
            agreement=self.agreement,
        )  # fmt: skip


class SignOffOut(BaseModel):
    partner: str
    controller: str
    on: date

    @classmethod
    def of(cls, s: SignOff) -> SignOffOut:
        return cls(partner=s.partner, controller=s.controller, on=s.on)


class InitiativeOut(BaseModel):
    id: str
    name: str
    function: str
    owner: str
    category: Category
    allocation: AllocationOut
    stage: Stage
    stage_name: str
    side_status: SideStatus | None
    forecast: FiguresOut | None
    locked_plan: FiguresOut | None
    approved_by: str | None
    approved_on: date | None
    signoffs: list[SignOffOut]
    agreement: str | None
    illustrative: bool
    probability: Decimal | None = Field(
        description="Probability of delivery set for this initiative; null: its stage's default."
    )
    version: int = Field(description="Sent as the ETag; give it back in If-Match to change it.")

    @classmethod
    def of(cls, i: Initiative) -> InitiativeOut:
        return cls(
            id=i.id, name=i.name, function=i.function, owner=i.owner, category=i.category,
            allocation=AllocationOut.of(i.allocation), stage=i.stage, stage_name=i.stage.label,
            side_status=i.side_status, forecast=FiguresOut.of(i.forecast),
            locked_plan=FiguresOut.of(i.locked_plan),
            approved_by=i.approval.body if i.approval else None,
            approved_on=i.approval.on if i.approval else None,
            signoffs=[SignOffOut.of(s) for s in i.signoffs], agreement=i.agreement,
            illustrative=i.illustrative, probability=i.probability, version=i.version,
        )  # fmt: skip


Probability = Annotated[
    Decimal,
    Field(ge=0, le=1, max_digits=6, decimal_places=4),
    number_schema(r"^\+?(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$", 0, 1),
]


class ProbabilityIn(Body):
    probability: Probability | None = Field(
        description="Odds of delivery, 0 to 1; null goes back to the stage's default."
    )


class AdvanceIn(Body):
    to: Stage


class ApprovalIn(Body):
    body: Name = Field(examples=["Alliance Board"])
    on: Day


class StatusIn(Body):
    status: SideStatus | None = Field(description="None clears the side status.")


class SignOffIn(Body):
    """The controller is the authenticated user."""

    partner: Code
    on: Day


class WeightOut(BaseModel):
    """A partner's raw allocation weight: for a cost-base split, its confidential cost base."""

    initiative: str
    partner: str
    method: AllocationMethod
    weight: Decimal


class InitiativeStatusOut(BaseModel):
    """Where an initiative stands on a day (the rule: domain/initiative_status.py), in EUR:
    the same answer on the register, its page, the alerts, the board pack and the forecast."""

    initiative: str
    on: date
    status: str = Field(
        description="closed (realized or cancelled), at risk, on track, or not approved yet."
    )
    at_risk: bool
    reasons: list[str] = Field(description="Why it is at risk; empty: it is not.")
    closed: bool = Field(description="Realized (L5) or cancelled: nothing more is expected.")
    through: str | None = Field(description="The month the ledger is complete to that day.")
    plan_run_rate: Decimal | None = Field(description="The locked plan's, else the forecast's.")
    planned_to_date: Decimal = Field(description="What the plan's ramp lands to `through`.")
    realized_to_date: Decimal
    realized_run_rate: Decimal = Field(description="Realized in the 12 months to `through`.")
    behind_ramp_percent: Decimal | None
    not_attributed_in_function: Decimal = Field(
        description="Savings its function booked to no initiative to `through`: shown beside "
        "it, never counted as its own."
    )

    @classmethod
    def of(cls, s: InitiativeStatus, not_attributed: Decimal) -> InitiativeStatusOut:
        return cls(
            initiative=s.initiative_id,
            on=s.on,
            status=s.label,
            at_risk=s.at_risk,
            reasons=list(s.reasons),
            closed=s.closed,
            through=str(s.through) if s.through else None,
            plan_run_rate=s.plan_run_rate,
            planned_to_date=s.planned_to_date.quantize(CENT),
            realized_to_date=s.realized.to_date.quantize(CENT),
            realized_run_rate=s.realized.run_rate.quantize(CENT),
            behind_ramp_percent=None if s.behind_ramp is None else s.behind_ramp.quantize(TENTH),
            not_attributed_in_function=not_attributed.quantize(CENT),
        )


CENT, TENTH = Decimal("0.01"), Decimal("0.1")
