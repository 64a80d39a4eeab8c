"""The savings ledger: immutable, dated entries. A mistake is corrected by a reversal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.money import Money


class EntrySource(StrEnum):
    published = "published"  # a figure the alliance published
    measured = "measured"  # proven from transactions by the measurement engine
    imported = "imported"  # loaded from a file
    entered = "entered"  # typed by a person


MEASURED_LINEAGE = "measurement run "  # then the run's id: what a measured entry's lineage says


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One amount for one partner and month. Signed as it affects synergies, except one-off
    costs, which are positive costs reported beside the synergies."""

    partner: str
    period: Month
    amount: Money
    category: Category
    source: EntrySource
    author: str
    recorded_at: datetime
    initiative_id: str | None = None
    function: str | None = None
    reverses: int | None = None
    reason: str = ""
    illustrative: bool = False
    lineage: str | None = None
    id: int | None = None

    @property
    def run_id(self) -> int | None:
        """The measurement run that posted the entry, if one did (a measured entry: one
        imported from a workbook names a run of the store it came from, not of this one)."""
        prefix = MEASURED_LINEAGE
        if (
            self.source is EntrySource.measured
            and self.lineage
            and self.lineage.startswith(prefix)
            and self.lineage[len(prefix) :].isdigit()
        ):
            return int(self.lineage[len(prefix) :])
        return None

    @property
    def is_synergy(self) -> bool:
        return self.category is not Category.one_off_cost


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries a ledger list holds; None matches every entry."""

    initiative: str | None = None
    partner: str | None = None
    function: str | None = None
    source: EntrySource | None = None
    year: int | None = None  # the calendar year of the period
    category: Category | None = None


def check_sign(entry: LedgerEntry) -> None:
    """Savings are positive, dis-synergies negative, one-off costs positive (a cost)."""
    if entry.reverses is not None:
        return
    negative = entry.category is Category.dis_synergy
    if entry.amount.amount == 0:
        raise InvalidInput("the amount is zero", field="amount", fix="record a non-zero amount")
    if negative and entry.amount.amount > 0:
        raise InvalidInput(
            "a dis-synergy lowers synergies", field="amount", fix="give it as a negative amount"
        )
    if not negative and entry.amount.amount < 0:
        raise InvalidInput(
            f"a {entry.category.value} is recorded as a positive amount",
            field="amount",
            fix="to correct an entry, reverse it instead of adding a negative one",
        )


PLANNED_FIX = (
    "the ledger holds realized amounts only: a planned figure belongs to the initiative's "
    "business case (its run-rate and start) or a locked plan"
)


def check_period(period: Month, *, now: Month, founded: date | None) -> None:
    """A realized entry lies between the alliance's first month and the current month: a
    later one is a plan, an earlier one predates the alliance (and either would shift every
    view that starts from the ledger's first or last year)."""
    if period > now:
        raise InvalidInput(
            f"{period} is after the current month {now}: it is not realized yet",
            field="period",
            fix=f"date it {now} or earlier; {PLANNED_FIX}",
        )
    if founded is not None and period < Month.of(founded):
        raise InvalidInput(
            f"{period} is before the alliance began ({founded.isoformat()})",
            field="period",
            fix=f"date it {Month.of(founded)} or later, or correct the "
            "alliance's founding date if it is wrong",
        )


def check_founded(earliest: Month, founded: date) -> None:
    """A founding date after the month of an entry already in the ledger is refused."""
    if earliest < Month.of(founded):
        raise InvalidInput(
            f"the ledger holds an entry dated {earliest}, before {founded.isoformat()}",
            field="founded",
            fix=f"give a date in {earliest} or earlier",
        )


def reversal_of(
    entry: LedgerEntry, *, reversed_ids: Iterable[int], author: str, reason: str, at: datetime
) -> LedgerEntry:
    """The entry that nets `entry` to zero. Each entry can be reversed once."""
    if entry.id is None:
        raise InvalidInput("only a recorded entry can be reversed", field="entry")
    if not reason.strip():
        raise InvalidInput(
            "a reversal needs a reason", field="reason", fix="say why the entry is corrected"
        )
    if entry.reverses is not None:
        raise Conflict(
            f"entry {entry.id} is itself a reversal",
            field="entry",
            fix="record a new entry instead of reversing a reversal",
        )
    if entry.id in set(reversed_ids):
        raise Conflict(f"entry {entry.id} is already reversed", field="entry")
    return LedgerEntry(
        partner=entry.partner,
        period=entry.period,
        amount=-entry.amount,
        category=entry.category,
        source=entry.source,
        author=author,
        recorded_at=at,
        initiative_id=entry.initiative_id,
        function=entry.function,
        reverses=entry.id,
        reason=reason.strip(),
        illustrative=entry.illustrative,
        lineage=entry.lineage,
    )


def split_entry(entry: LedgerEntry, rule: AllocationRule) -> list[LedgerEntry]:
    """`entry`, an amount for the whole alliance, as one entry per partner sharing it by
    `rule`: to the currency's minor unit, the parts summing exactly to the amount (the
    rounding and tie rule of `AllocationRule.split`). Each part's lineage says which split it
    comes from; a part of zero (an amount of less than a unit a partner) is no entry.

    A cost-base rule is refused: the parts' ratio would be the ratio of the partners'
    confidential cost bases, in a ledger every reader sees."""
    if rule.method is AllocationMethod.cost_base:
        raise Conflict(
            "a cost-base split would show every reader the ratio of the partners' "
            "confidential cost bases",
            field="partner",
            fix="record each partner's realized saving as its own entry",
        )
    note = f"split of {entry.amount.amount} {entry.amount.currency} by {split_rule_text(rule)}"
    lineage = f"{entry.lineage}; {note}" if entry.lineage else note
    return [
        replace(entry, partner=partner, amount=part, lineage=lineage)
        for partner, part in rule.split(entry.amount).items()
        if part.amount
    ]


def split_rule_text(rule: AllocationRule) -> str:
    """'fixed shares RENAULT=45, NISSAN=55' or 'volume RENAULT=2800000, NISSAN=5400000'."""
    named = "fixed shares" if rule.method is AllocationMethod.fixed else rule.method.value
    return f"{named} " + ", ".join(f"{p}={w.normalize():f}" for p, w in rule.weights)
