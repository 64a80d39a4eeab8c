"""Ledger entries: append-only; a correction is a reversal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntryFilter, EntrySource, LedgerEntry
from synergies.schemas.common import (
    Body,
    Code,
    Key,
    MoneyIn,
    MoneyOut,
    MonthText,
    Note,
)
from synergies.schemas.initiatives import InitiativeId

Reason = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00-\x1f\x7f]*$")]
Match = Annotated[str, StringConstraints(max_length=60, pattern=r"^[A-Za-z0-9_.-]*$")]
Row = dict[str, object]


class LedgerFilter(BaseModel):
    """Which entries a ledger list shows: the CLI's options and the API's query alike."""

    initiative: Match | None = Field(None, description="Only this initiative.")
    partner: Match | None = Field(None, description="Only this partner.")
    function: Match | None = Field(None, description="Only this function.")
    source: EntrySource | None = Field(None, description="Only entries from this source.")

    def to_domain(self) -> EntryFilter:
        return EntryFilter(
            initiative=self.initiative.upper() if self.initiative else None,
            partner=self.partner.upper() if self.partner else None,
            function=self.function or None,
            source=self.source,
        )


class EntryIn(Body):
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

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls(
            id=e.id, partner=e.partner, period=str(e.period), amount=MoneyOut.of(e.amount),
            category=e.category, source=e.source, author=e.author, recorded_at=e.recorded_at,
            initiative_id=e.initiative_id, function=e.function, reverses=e.reverses,
            reason=e.reason, illustrative=e.illustrative,
        )  # fmt: skip

    def row(self) -> Row:
        """The entry as one flat row: for CSV and the terminal's table."""
        return {
            "id": self.id, "period": self.period, "partner": self.partner,
            "amount": self.amount.amount, "currency": self.amount.currency,
            "category": self.category.value, "source": self.source.value,
            "initiative_id": self.initiative_id, "function": self.function,
            "reverses": self.reverses, "author": self.author, "recorded_at": self.recorded_at,
            "reason": self.reason, "illustrative": self.illustrative,
        }  # fmt: skip


class ReversalIn(Body):
    reason: Reason
