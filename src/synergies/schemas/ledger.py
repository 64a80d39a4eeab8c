"""Ledger entries: append-only; a correction is a reversal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntryFilter, EntrySource, LedgerEntry
from synergies.domain.partners import ALLIANCE
from synergies.schemas.common import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    Body,
    Code,
    Key,
    MoneyIn,
    MoneyOut,
    MonthText,
    Note,
    Reason,
    decimal_schema,
)
from synergies.schemas.initiatives import InitiativeId
from synergies.services.ledger import Split

# domain.ledger.check_sign: a dis-synergy is negative, every other category positive.
_SIGNED_BY_CATEGORY: dict[str, Any] = {
    "if": {"properties": {"category": {"const": Category.dis_synergy.value}},
           "required": ["category"]},
    "then": {"properties": {"amount": {"properties": {
        "amount": decimal_schema(AMOUNT_DIGITS, AMOUNT_PLACES, "negative").json_schema}}}},
    "else": {"properties": {"amount": {"properties": {
        "amount": decimal_schema(AMOUNT_DIGITS, AMOUNT_PLACES, "positive").json_schema}}}},
}  # fmt: skip
Match = Annotated[str, StringConstraints(max_length=60, pattern=r"^[A-Za-z0-9_.-]*$")]
Row = dict[str, object]


class LedgerFilter(BaseModel):
    """Which entries a ledger list shows: the CLI's options and the API's query alike."""

    initiative: Match | None = Field(None, description="Only this initiative.")
    partner: Match | None = Field(None, description="Only this partner.")
    function: Match | None = Field(None, description="Only this function.")
    source: EntrySource | None = Field(None, description="Only entries from this source.")
    year: int | None = Field(None, ge=1900, le=2199, description="Only this calendar year.")
    category: Category | None = Field(None, description="Only this value category.")

    def to_domain(self) -> EntryFilter:
        return EntryFilter(
            initiative=self.initiative.upper() if self.initiative else None,
            partner=self.partner.upper() if self.partner else None,
            function=self.function or None,
            source=self.source,
            year=self.year,
            category=self.category,
        )


class EntryIn(Body):
    """A dis-synergy is a negative amount; every other category a positive one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_SIGNED_BY_CATEGORY)

    partner: Code
    period: MonthText
    amount: MoneyIn
    category: Category = Category.cost_reduction
    initiative_id: InitiativeId | None = None
    function: Key | None = Field(
        None,
        description="The function, if no initiative. None: an alliance-wide entry, which a "
        "function lead may neither post nor reverse.",
    )
    reason: Note = Field("", description="Where the figure comes from.")

    def to_domain(self, *, author: str, at: datetime) -> LedgerEntry:
        """The entry `author` types in at `at` (its source: entered)."""
        return LedgerEntry(
            partner=self.partner, period=Month.parse(self.period),
            amount=self.amount.to_domain(), category=self.category, source=EntrySource.entered,
            author=author, recorded_at=at,
            initiative_id=self.initiative_id,
            function=self.function, reason=self.reason,
        )  # fmt: skip


class SplitIn(Body):
    """An amount for the whole alliance, split by its initiative's allocation rule into one
    entry per sharing partner. A dis-synergy is a negative amount; every other category a
    positive one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_SIGNED_BY_CATEGORY)

    period: MonthText
    amount: MoneyIn
    category: Category = Category.cost_reduction
    initiative_id: InitiativeId = Field(description="The initiative whose rule splits it.")
    reason: Note = Field("", description="Where the figure comes from.")

    def to_domain(self, *, author: str, at: datetime) -> LedgerEntry:
        """The alliance's amount `author` types in at `at`, before its split."""
        return LedgerEntry(
            partner=ALLIANCE,
            period=Month.parse(self.period),
            amount=self.amount.to_domain(),
            category=self.category,
            source=EntrySource.entered,
            author=author,
            recorded_at=at,
            initiative_id=self.initiative_id,
            reason=self.reason,
        )


class EntryOut(BaseModel):
    id: int | None
    partner: str
    period: str
    amount: MoneyOut
    category: Category
    source: EntrySource
    author: str
    recorded_at: datetime
    initiative_id: str | None
    function: str | None
    reverses: int | None
    reason: str
    illustrative: bool
    lineage: str | None = Field(description="Where a posted entry came from, as it recorded it.")
    run_id: int | None = Field(description="The measurement run that posted it, if one did.")

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls(
            id=e.id, partner=e.partner, period=str(e.period), amount=MoneyOut.of(e.amount),
            category=e.category, source=e.source, author=e.author, recorded_at=e.recorded_at,
            initiative_id=e.initiative_id, function=e.function, reverses=e.reverses,
            reason=e.reason, illustrative=e.illustrative, lineage=e.lineage, run_id=e.run_id,
        )  # fmt: skip

    def row(self) -> Row:
        """The entry as one flat row: for CSV and the terminal's table."""
        return {
            "id": self.id, "period": self.period, "partner": self.partner,
            "amount": self.amount.amount, "currency": self.amount.currency,
            "category": self.category.value, "source": self.source.value,
            "initiative_id": self.initiative_id, "function": self.function,
            "reverses": self.reverses, "author": self.author, "recorded_at": self.recorded_at,
            "reason": self.reason, "illustrative": self.illustrative, "lineage": self.lineage,
            "run_id": self.run_id,
        }  # fmt: skip


class SplitOut(BaseModel):
    amount: MoneyOut = Field(description="The amount for the alliance that was split.")
    initiative_id: str
    rule: str = Field(
        description="The rule that split it, e.g. 'fixed shares RENAULT=45, NISSAN=55'; each "
        "part is the partner's exact share rounded down to the currency's minor unit, the units "
        "left over going to the largest remainders (ties: in the rule's order)."
    )
    entries: list[EntryOut] = Field(description="The entries recorded, one per partner.")

    @classmethod
    def of(cls, split: Split) -> SplitOut:
        return cls(
            amount=MoneyOut.of(split.amount),
            initiative_id=split.initiative_id,
            rule=split.rule,
            entries=[EntryOut.of(e) for e in split.entries],
        )


class ReversalIn(Body):
    reason: Reason
