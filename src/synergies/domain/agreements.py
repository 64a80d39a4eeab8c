"""Agreements with dated scope clauses: is an activity inside the agreement on a date?"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from synergies.domain.errors import InvalidInput


class ScopeDecision(StrEnum):
    included = "included"
    excluded = "excluded"


def activity_key(text: str) -> str:
    """Normalise an activity name so 'Electric Vehicles' and 'electric-vehicles' match."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True, slots=True)
class ScopeClause:
    """One dated statement about one activity. Later clauses override earlier ones."""

    reference: str  # e.g. "2010-04 cooperation agreement, art. 2" or "2016-03 CEO statement"
    activity: str
    decision: ScopeDecision
    effective_from: date
    effective_to: date | None = None
    note: str = ""
    aliases: tuple[str, ...] = ()

    def covers(self, activity: str, on: date) -> bool:
        keys = {activity_key(self.activity), *(activity_key(a) for a in self.aliases)}
        in_time = self.effective_from <= on and (
            self.effective_to is None or on <= self.effective_to
        )
        return in_time and activity_key(activity) in keys


@dataclass(frozen=True, slots=True)
class Amendment:
    """A dated change to an agreement: the clauses it adds."""

    reference: str
    signed: date
    clauses: tuple[ScopeClause, ...]


@dataclass(frozen=True, slots=True)
class Agreement:
    code: str
    name: str
    parties: tuple[str, ...]
    signed: date
    clauses: tuple[ScopeClause, ...] = ()
    amendments: tuple[Amendment, ...] = field(default=())
    excluded_from_synergies: bool = False  # e.g. Daimler savings left out of published figures

    def all_clauses(self) -> list[ScopeClause]:
        found = list(self.clauses)
        for amendment in self.amendments:
            found.extend(amendment.clauses)
        return found


@dataclass(frozen=True, slots=True)
class ScopeAnswer:
    agreement: str
    activity: str
    on: date
    inside: bool
    clause: ScopeClause | None  # the clause that decides; None: no clause covers the activity

    def reason(self) -> str:
        if self.clause is None:
            return "no clause of the agreement covers this activity, so it is outside"
        c = self.clause
        return f"{c.decision.value} by {c.reference} (from {c.effective_from.isoformat()})" + (
            f": {c.note}" if c.note else ""
        )


def decide_scope(agreement: Agreement, activity: str, on: date) -> ScopeAnswer:
    """The latest clause in force on `on` that covers `activity` decides; none means outside."""
    if not activity_key(activity):
        raise InvalidInput("the activity is empty", field="activity", fix="name an activity")
    if on < agreement.signed:
        return ScopeAnswer(agreement.code, activity, on, False, None)
    candidates = [c for c in agreement.all_clauses() if c.covers(activity, on)]
    if not candidates:
        return ScopeAnswer(agreement.code, activity, on, False, None)
    deciding = max(candidates, key=lambda c: c.effective_from)
    return ScopeAnswer(
        agreement.code, activity, on, deciding.decision is ScopeDecision.included, deciding
    )
