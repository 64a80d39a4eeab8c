"""Who may post and reverse ledger entries: their own partner, and a lead only their functions.

An entry with no function is alliance-wide: it is no function lead's to post or reverse."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from synergies.domain.accounts import Role
from synergies.domain.calendar import Month
from synergies.domain.errors import PermissionDenied
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import ledger
from synergies.services.context import Context
from synergies.services.security import Action, Actor, authorize

LEAD = Actor("pierre.lead", Role.function_lead, "RENAULT", ("purchasing",))
ENTRY = LedgerEntry(
    partner="RENAULT", period=Month(2016, 5), amount=Money.of(1000, "EUR"),
    category=Category.cost_reduction, source=EntrySource.entered, author="pierre.lead",
    recorded_at=datetime(2016, 6, 1, tzinfo=UTC), initiative_id="PUR-001",
)  # fmt: skip


def _lead(ctx: Context) -> Context:
    return Context(ctx.store, LEAD, ctx.clock)


def test_a_lead_posts_and_reverses_for_their_partner_and_function(example_ctx: Context) -> None:
    stored = ledger.add(_lead(example_ctx), ENTRY)
    assert stored.function == "purchasing"
    assert stored.id is not None
    assert ledger.reverse(_lead(example_ctx), stored.id, "typed twice").amount.amount == -1000


def test_a_lead_cannot_post_for_the_other_partner(example_ctx: Context) -> None:
    before = len(ledger.entries(example_ctx))
    with pytest.raises(PermissionDenied) as refused:
        ledger.add(_lead(example_ctx), replace(ENTRY, partner="NISSAN"))
    assert refused.value.field == "partner"
    assert len(ledger.entries(example_ctx)) == before


def test_a_lead_cannot_post_an_alliance_wide_entry(example_ctx: Context) -> None:
    wide = replace(ENTRY, initiative_id=None, function=None)
    with pytest.raises(PermissionDenied) as refused:
        ledger.add(_lead(example_ctx), wide)
    assert refused.value.field == "function"
    with pytest.raises(PermissionDenied):
        ledger.add_many(_lead(example_ctx), [wide], ["wide-1"], "a batch")


def test_a_lead_cannot_reverse_an_alliance_wide_entry(example_ctx: Context) -> None:
    wide = ledger.add(example_ctx, replace(ENTRY, initiative_id=None, function=None))
    assert wide.id is not None
    with pytest.raises(PermissionDenied):
        ledger.reverse(_lead(example_ctx), wide.id, "not mine")


def test_a_lead_cannot_reverse_another_partners_entry(example_ctx: Context) -> None:
    nissan = ledger.add(example_ctx, replace(ENTRY, partner="NISSAN"))
    assert nissan.id is not None
    with pytest.raises(PermissionDenied) as refused:
        ledger.reverse(_lead(example_ctx), nissan.id, "not mine")
    assert refused.value.field == "partner"


@pytest.mark.parametrize(
    ("partner", "function", "field"),
    [("RENAULT", None, "function"), ("RENAULT", "engineering", "function"),
     ("NISSAN", "purchasing", "partner"), (None, "purchasing", "partner")],
)  # fmt: skip
def test_no_function_or_partner_is_not_a_wildcard(
    partner: str | None, function: str | None, field: str
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        authorize(LEAD, Action.record_ledger, partner=partner, function=function)
    assert refused.value.field == field


def test_a_controller_posts_alliance_wide_entries_of_their_partner_only() -> None:
    controller = Actor("rene.controller", Role.controller, "RENAULT")
    authorize(controller, Action.record_ledger, partner="RENAULT", function=None)
    with pytest.raises(PermissionDenied):
        authorize(controller, Action.record_ledger, partner="NISSAN", function=None)
