"""Ledger entries: append-only; a correction is a reversal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
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


class EntryIn(Body):
    partner: Code
    period: MonthText
    amount: MoneyIn
    category: Category = Category.cost_reduction
    initiative_id: InitiativeId | None = None
    function: Key | None = Field(None, description="The function, if no initiative.")
    reason: Note = Field("", description="Where the figure comes from.")


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


class ReversalIn(Body):
    reason: Reason
