"""A page of the ledger is cut and summed in SQL: it must be exactly the page a sort of the
whole ledger would give, and its totals the exact Decimal sums, on both stores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntryFilter, EntrySource
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
