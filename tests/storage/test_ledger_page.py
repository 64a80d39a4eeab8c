"""A page of the ledger is cut and summed in SQL: it must be exactly the page a sort of the
whole ledger would give, and its totals the exact Decimal sums, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntryFilter, EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import ledger
from synergies.services.context import Context

PYTHON_ORDER = {
    "id": lambda e: e.id,
    "period": lambda e: (e.period, e.id),
    "amount": lambda e: (e.amount.currency, e.amount.amount),
    "partner": lambda e: (e.partner, e.id),
}


@pytest.mark.parametrize(
    "sort", ["id", "-id", "period", "-period", "amount", "-amount", "partner", "-partner"]
)
def test_a_page_is_the_slice_of_the_sorted_ledger(example_ctx: Context, sort: str) -> None:
    where = EntryFilter(function="purchasing")
    everything = ledger.entries(example_ctx, where)
    ordered = sorted(everything, key=PYTHON_ORDER[sort.lstrip("-")], reverse=sort.startswith("-"))
    page = ledger.entry_page(example_ctx, where, sort=sort, limit=25, offset=40)
    assert page.total == len(everything) > 65
    assert [e.id for e in page.entries] == [e.id for e in ordered[40:65]]


def test_totals_are_the_exact_sums_of_what_the_filter_selects(example_ctx: Context) -> None:
    where = EntryFilter(partner="NISSAN", source=EntrySource.published)
    everything = ledger.entries(example_ctx, where)
    page = ledger.entry_page(example_ctx, where, limit=1)
    synergies = sum(
        (e.amount.amount for e in everything if e.category is not Category.one_off_cost), Decimal(0)
    )
    assert [(m.amount, m.currency) for m in page.totals] == [(synergies, "EUR")]
    assert len(page.entries) == 1 and page.total == len(everything)


def test_an_unknown_sort_names_the_ones_there_are(example_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="sort by one of: id, period, amount, partner"):
        ledger.entry_page(example_ctx, sort="reason")


def _saving(partner: str, amount: str) -> LedgerEntry:
    return LedgerEntry(
        partner=partner, period=Month(2015, 6), amount=Money(Decimal(amount), "EUR"),
        category=Category.cost_reduction, source=EntrySource.entered, author="test",
        recorded_at=datetime(2016, 1, 4, tzinfo=UTC), function="purchasing",
    )  # fmt: skip


def test_totals_follow_new_entries_and_reversals_exactly(example_ctx: Context) -> None:
    """The count and sums are kept between page views and brought up to date by adding only
    the new entries: after an append and a reversal they are what a recount gives."""
    where = EntryFilter(partner="RENAULT", year=2015)
    before = ledger.entry_page(example_ctx, where, limit=1)
    added = ledger.add(example_ctx, _saving("RENAULT", "1234.56"))
    ledger.add(example_ctx, _saving("NISSAN", "99"))  # outside the filter: counts nowhere here
    after = ledger.entry_page(example_ctx, where, limit=1)
    assert after.total == before.total + 1
    assert after.totals[0].amount == before.totals[0].amount + Decimal("1234.56")
    assert added.id is not None
    ledger.reverse(example_ctx, added.id, "typed twice")
    undone = ledger.entry_page(example_ctx, where, limit=1)
    assert undone.total == before.total + 2 and undone.totals == before.totals
    recount = ledger.entries(example_ctx, where)
    assert undone.total == len(recount)
    assert undone.totals[0].amount == sum(
        (e.amount.amount for e in recount if e.category is not Category.one_off_cost), Decimal(0)
    )


@pytest.mark.parametrize(("year", "category"), [(2015, None), (2014, Category.one_off_cost)])
def test_year_and_category_filter_in_sql_as_in_python(
    example_ctx: Context, year: int, category: Category | None
) -> None:
    every = ledger.entries(example_ctx)
    chosen = ledger.entries(example_ctx, EntryFilter(year=year, category=category))
    assert [e.id for e in chosen] == [
        e.id for e in every
        if e.period.year == year and (category is None or e.category is category)
    ]  # fmt: skip
    assert chosen
    assert ledger.years(example_ctx) == list(
        range(min(e.period.year for e in every), max(e.period.year for e in every) + 1)
    )
