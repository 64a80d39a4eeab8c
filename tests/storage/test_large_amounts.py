"""The largest amounts the store accepts can be summed, on every backend, to the cent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.reports.synergy_report import Breakdown
from synergies.services import ledger, reports
from synergies.services.context import Context
from synergies.storage.types import LIMIT


def _entry(amount: Decimal, category: Category = Category.cost_reduction) -> LedgerEntry:
    return LedgerEntry(
        partner="RENAULT", period=Month(2016, 6), amount=Money(amount, "EUR"),
        category=category, source=EntrySource.entered, author="test",
        recorded_at=datetime.now(UTC), function="purchasing",
    )  # fmt: skip


def _realized_2016(ctx: Context) -> Decimal:
    report = reports.synergy_report(ctx, year=2016, by=Breakdown.partner)
    return next(y.realized.amount for y in report.years if y.year == 2016)


def test_ten_entries_at_the_limit_sum_exactly(example_ctx: Context) -> None:
    before = _realized_2016(example_ctx)
    for _ in range(10):
        ledger.add(example_ctx, _entry(LIMIT))
    # 1e15 EUR: ten times what a 64-bit count of 1/10,000 can hold; reported to the cent.
    assert _realized_2016(example_ctx) == (before + 10 * LIMIT).quantize(Decimal("0.01"))


def test_large_negative_amounts_sum_exactly_too(example_ctx: Context) -> None:
    """Dis-synergies are negative: the split sum must hold for them as well."""
    big = Decimal("99999999999999.99")
    before = _realized_2016(example_ctx)
    for _ in range(3):
        ledger.add(example_ctx, _entry(big))
    for amount in (-big, -big, Decimal("-0.01")):
        ledger.add(example_ctx, _entry(amount, Category.dis_synergy))
    assert _realized_2016(example_ctx) == before + big - Decimal("0.01")


def test_an_amount_beyond_the_limit_is_refused_and_nothing_is_written(
    example_ctx: Context,
) -> None:
    count = len(ledger.entries(example_ctx))
    with pytest.raises(InvalidInput, match="largest amount") as refused:
        ledger.add(example_ctx, _entry(LIMIT + Decimal("0.0001")))
    assert refused.value.field == "amount"
    assert len(ledger.entries(example_ctx)) == count
