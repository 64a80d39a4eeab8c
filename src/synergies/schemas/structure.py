"""Partners, holdings, agreements, functions, people and targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from synergies.domain.agreements import Agreement, ScopeAnswer, ScopeClause, ScopeDecision
from synergies.domain.functions import BusinessFunction, ConvergenceEvent, ConvergenceStage
from synergies.domain.org import LineKind, Person, ReportingLine
from synergies.domain.ownership import Interest, Shareholding
from synergies.domain.partners import Partner
from synergies.domain.percent import percent
from synergies.domain.targets import Target
from synergies.schemas.common import (
    Body,
    Code,
    Currency,
    Day,
    Key,
    MoneyIn,
    MoneyOut,
    Name,
    Note,
    Year,
    number_schema,
)

# Above 0 and at most 100, six places.
Percent = Annotated[
    Decimal,
    Field(gt=0, le=100, max_digits=9, decimal_places=6),
    number_schema(r"^\+?(100(\.0{1,6})?|[1-9][0-9]?(\.[0-9]{1,6})?|0\.[0-9]{0,5}[1-9])$", 1, 100),
]


class PartnerIn(Body):
    code: Code
    name: Name
    home_currency: Currency
    fiscal_year_start: int = Field(1, ge=1, le=12, description="Month the fiscal year starts.")
    member: bool = Field(True, description="False for an outside party to an agreement.")

    def to_domain(self) -> Partner:
        return Partner.create(
            self.code, self.name, self.home_currency, self.fiscal_year_start, self.member
        )


class PartnerOut(BaseModel):
    code: str
    name: str
    home_currency: str
    fiscal_year_start: int
    member: bool

    @classmethod
    def of(cls, p: Partner) -> PartnerOut:
        return cls(
            code=p.code, name=p.name, home_currency=p.home_currency,
            fiscal_year_start=p.fiscal_calendar.start_month, member=p.member,
        )  # fmt: skip


class ShareholdingIn(Body):
    holder: Code
    held: Code = Field(description="Another company than the holder, which cannot hold itself.")
    percent: Percent
    voting: bool = True
    since: Day | None = None

    def to_domain(self) -> Shareholding:
        return Shareholding(self.holder, self.held, self.percent, self.voting, self.since)


class ShareholdingOut(BaseModel):
    holder: str
    held: str
    percent: Decimal
    voting: bool
    since: date | None

    @classmethod
    def of(cls, h: Shareholding) -> ShareholdingOut:
        return cls(holder=h.holder, held=h.held, percent=h.percent, voting=h.voting, since=h.since)


class InterestOut(BaseModel):
    """Direct and look-through interest, as percentages (rounded to 4 places)."""

    holder: str
    held: str
    direct: Decimal
    direct_voting: Decimal
    effective: Decimal
    effective_voting: Decimal

    @classmethod
    def of(cls, i: Interest) -> InterestOut:
        return cls(
            holder=i.holder, held=i.held, direct=percent(i.direct),
            direct_voting=percent(i.direct_voting), effective=percent(i.effective),
            effective_voting=percent(i.effective_voting),
        )  # fmt: skip


class OwnershipOut(BaseModel):
    holdings: list[ShareholdingOut]
    interests: list[InterestOut]


class ClauseIn(Body):
    reference: Name
    activity: Name
    decision: ScopeDecision
    effective_from: Day
    effective_to: Day | None = None
    note: Note = ""
    aliases: list[Name] = Field(default_factory=list, max_length=20)

    def to_domain(self) -> ScopeClause:
        return ScopeClause(
            self.reference, self.activity, self.decision, self.effective_from,
            self.effective_to, self.note, tuple(self.aliases),
        )  # fmt: skip


class ClauseOut(BaseModel):
    reference: str
    activity: str
    decision: ScopeDecision
    effective_from: date
    effective_to: date | None
    note: str
    aliases: list[str]

    @classmethod
    def of(cls, c: ScopeClause) -> ClauseOut:
        return cls(
            reference=c.reference, activity=c.activity, decision=c.decision,
            effective_from=c.effective_from, effective_to=c.effective_to, note=c.note,
            aliases=list(c.aliases),
        )  # fmt: skip


class AgreementIn(Body):
    code: Code
    name: Name
    parties: list[Code] = Field(min_length=1, max_length=20)
    signed: Day
    clauses: list[ClauseIn] = Field(default_factory=list, max_length=100)
    excluded_from_synergies: bool = False

    def to_domain(self) -> Agreement:
        return Agreement(
            self.code, self.name, tuple(self.parties), self.signed,
            tuple(c.to_domain() for c in self.clauses),
            excluded_from_synergies=self.excluded_from_synergies,
        )  # fmt: skip


class AgreementOut(BaseModel):
    code: str
    name: str
    parties: list[str]
    signed: date
    clauses: list[ClauseOut] = Field(description="Every clause, amendments included.")
    excluded_from_synergies: bool

    @classmethod
    def of(cls, a: Agreement) -> AgreementOut:
        return cls(
            code=a.code, name=a.name, parties=list(a.parties), signed=a.signed,
            clauses=[ClauseOut.of(c) for c in a.all_clauses()],
            excluded_from_synergies=a.excluded_from_synergies,
        )  # fmt: skip


class ScopeOut(BaseModel):
    agreement: str
    activity: str
    on: date
    inside: bool
    reason: str
    clause: ClauseOut | None

    @classmethod
    def of(cls, s: ScopeAnswer) -> ScopeOut:
        return cls(
            agreement=s.agreement, activity=s.activity, on=s.on, inside=s.inside,
            reason=s.reason(), clause=ClauseOut.of(s.clause) if s.clause else None,
        )  # fmt: skip


class ConvergenceEventIO(Body):
    stage: ConvergenceStage
    since: Day
    note: Note = ""

    def to_domain(self) -> ConvergenceEvent:
        return ConvergenceEvent(self.stage, self.since, self.note)

    @classmethod
    def of(cls, e: ConvergenceEvent) -> ConvergenceEventIO:
        return cls(stage=e.stage, since=e.since, note=e.note)


class FunctionIn(Body):
    code: Key
    name: Name
    history: list[ConvergenceEventIO] = Field(
        default_factory=list, max_length=50, description="Oldest first: in date order."
    )
    executive: Key | None = Field(None, description="Person id of the alliance executive.")

    def to_domain(self) -> BusinessFunction:
        return BusinessFunction(
            self.code, self.name, tuple(e.to_domain() for e in self.history), self.executive
        )


class FunctionOut(BaseModel):
    code: str
    name: str
    stage_today: ConvergenceStage
    history: list[ConvergenceEventIO]
    executive: str | None

    @classmethod
    def of(cls, f: BusinessFunction, today: date) -> FunctionOut:
        return cls(
            code=f.code, name=f.name, stage_today=f.stage_on(today),
            history=[ConvergenceEventIO.of(e) for e in f.history], executive=f.executive,
        )  # fmt: skip


class PersonIO(Body):
    id: Key
    name: Name
    title: Name
    company: Code = Field(description="Partner code, or ALLIANCE for an alliance-wide role.")
    function: Key | None = None
    illustrative: bool = False

    def to_domain(self) -> Person:
        return Person(
            self.id, self.name, self.title, self.company, self.function,
            self.illustrative,
        )  # fmt: skip

    @classmethod
    def of(cls, p: Person) -> PersonIO:
        return cls(
            id=p.id, name=p.name, title=p.title, company=p.company, function=p.function,
            illustrative=p.illustrative,
        )  # fmt: skip


class ReportingLineIO(Body):
    person: Key
    manager: Key
    kind: LineKind = LineKind.solid

    def to_domain(self) -> ReportingLine:
        return ReportingLine(self.person, self.manager, self.kind)

    @classmethod
    def of(cls, line: ReportingLine) -> ReportingLineIO:
        return cls(person=line.person, manager=line.manager, kind=line.kind)


class PersonDetail(BaseModel):
    person: PersonIO
    managers: list[ReportingLineIO]
    reports: list[ReportingLineIO]


class TargetIn(Body):
    year: Year
    amount: MoneyIn
    function: Key | None = Field(None, description="None: alliance-wide.")
    note: Note = ""

    def to_domain(self) -> Target:
        return Target(self.year, self.amount.to_domain(), self.function, self.note)


class TargetOut(BaseModel):
    year: int
    amount: MoneyOut
    function: str | None
    note: str
    illustrative: bool

    @classmethod
    def of(cls, t: Target) -> TargetOut:
        return cls(
            year=t.year, amount=MoneyOut.of(t.amount), function=t.function, note=t.note,
            illustrative=t.illustrative,
        )  # fmt: skip
