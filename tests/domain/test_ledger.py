from datetime import UTC, datetime
from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry, check_sign, reversal_of
from synergies.domain.money import Money

NOW = datetime(2016, 4, 1, tzinfo=UTC)


def entry(amount: str = "1250000.00", category: Category = Category.cost_reduction) -> LedgerEntry:
    return LedgerEntry("NISSAN", Month(2016, 3), Money.of(amount, "JPY"), category,
                       EntrySource.entered, "J. Suzuki", NOW, id=7)  # fmt: skip


def test_a_reversal_nets_to_zero_and_points_at_the_original() -> None:
    original = entry()
    reversal = reversal_of(original, reversed_ids=[], author="I. Lambert", reason="typo", at=NOW)
    assert original.amount + reversal.amount == Money(Decimal(0), "JPY")
    assert reversal.reverses == 7 and reversal.period == original.period
    assert reversal.reason == "typo" and reversal.author == "I. Lambert"


def test_an_entry_is_reversed_once() -> None:
    with pytest.raises(Conflict, match="already reversed"):
        reversal_of(entry(), reversed_ids=[7], author="x", reason="again", at=NOW)


def test_a_reversal_is_not_itself_reversed() -> None:
    reversal = reversal_of(entry(), reversed_ids=[], author="x", reason="r", at=NOW)
    stored = LedgerEntry(**{**{f: getattr(reversal, f) for f in reversal.__slots__}, "id": 8})  # type: ignore[attr-defined]
    with pytest.raises(Conflict, match="itself a reversal"):
        reversal_of(stored, reversed_ids=[], author="x", reason="r", at=NOW)


def test_a_reversal_needs_a_reason() -> None:
    with pytest.raises(InvalidInput, match="needs a reason"):
        reversal_of(entry(), reversed_ids=[], author="x", reason=" ", at=NOW)


def test_signs_follow_the_category() -> None:
    check_sign(entry())
    check_sign(entry("-5", Category.dis_synergy))
    with pytest.raises(InvalidInput, match="reverse it instead"):
        check_sign(entry("-5"))
    with pytest.raises(InvalidInput, match="negative amount"):
        check_sign(entry("5", Category.dis_synergy))
    with pytest.raises(InvalidInput, match="zero"):
        check_sign(entry("0"))
