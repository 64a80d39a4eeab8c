"""An amount for the whole alliance, split by its initiative's rule into one entry per partner:
to the minor unit, summing exactly, in one transaction and one audit record, only by someone
who may record for every partner, and never by cost base (it would reveal the cost bases)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from synergies.domain.accounts import Role
from synergies.domain.allocation import AllocationMethod, parse_allocation
from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput, PermissionDenied
from synergies.domain.initiatives import Category, Initiative
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.domain.partners import ALLIANCE, Partner
from synergies.services import audit_trail, initiatives, ledger
from synergies.services.context import Context
from synergies.services.security import Actor

ALLIANCE_AMOUNT = LedgerEntry(
    partner=ALLIANCE, period=Month(2016, 3), amount=Money.of("100.00", "EUR"),
    category=Category.cost_reduction, source=EntrySource.entered, author="alice",
    recorded_at=datetime(2016, 4, 1, tzinfo=UTC), initiative_id="HR-001",
    reason="shared HR services, March",
)  # fmt: skip


def _parts(split: ledger.Split) -> list[tuple[str, Decimal]]:
    return [(e.partner, e.amount.amount) for e in split.entries]


def _with_initiative(ctx: Context, id: str, rule: str, method: AllocationMethod) -> None:
    """An initiative of the example's purchasing function split by `rule`."""
    initiatives.create(ctx, Initiative(
        id, f"{id} (test)", "purchasing", "D. Girard", Category.cost_reduction,
        parse_allocation(rule, method),
    ))  # fmt: skip


def test_fixed_shares_split_an_alliance_amount_to_the_cent(example_ctx: Context) -> None:
    split = ledger.add_split(example_ctx, ALLIANCE_AMOUNT)  # HR-001: RENAULT=45, NISSAN=55
    assert _parts(split) == [("RENAULT", Decimal("45.00")), ("NISSAN", Decimal("55.00"))]
    assert split.rule == "fixed shares RENAULT=45, NISSAN=55"
    stored = [ledger.entry(example_ctx, e.id or 0) for e in split.entries]
    assert stored == split.entries
    assert {e.function for e in stored} == {"human-resources"}
    assert {e.reason for e in stored} == {"shared HR services, March"}
    assert {e.lineage for e in stored} == {
        "split of 100.00 EUR by fixed shares RENAULT=45, NISSAN=55"
    }


def test_thirds_by_volume_give_the_odd_cent_to_the_partner_listed_first(
    example_ctx: Context,
) -> None:
    """The example already holds Mitsubishi as a partner."""
    _with_initiative(example_ctx, "PUR-901", "RENAULT=1,NISSAN=1,MITSUBISHI=1",
                     AllocationMethod.volume)  # fmt: skip
    split = ledger.add_split(example_ctx, replace(ALLIANCE_AMOUNT, initiative_id="PUR-901"))
    assert _parts(split) == [
        ("RENAULT", Decimal("33.34")), ("NISSAN", Decimal("33.33")),
        ("MITSUBISHI", Decimal("33.33")),
    ]  # fmt: skip


def test_a_yen_amount_splits_to_the_yen_and_a_dis_synergy_mirrors_a_saving(
    example_ctx: Context,
) -> None:
    yen = replace(ALLIANCE_AMOUNT, amount=Money.of("1001", "JPY"))
    assert _parts(ledger.add_split(example_ctx, yen)) == [
        ("RENAULT", Decimal(450)), ("NISSAN", Decimal(551)),
    ]  # fmt: skip
    loss = replace(yen, amount=Money.of("-1001", "JPY"), category=Category.dis_synergy)
    assert _parts(ledger.add_split(example_ctx, loss)) == [
        ("RENAULT", Decimal(-450)), ("NISSAN", Decimal(-551)),
    ]  # fmt: skip


def test_the_example_volume_rule_splits_in_proportion(example_ctx: Context) -> None:
    split = ledger.add_split(example_ctx, replace(ALLIANCE_AMOUNT, initiative_id="PUR-001"))
    assert _parts(split) == [("RENAULT", Decimal("34.15")), ("NISSAN", Decimal("65.85"))]
    assert sum(e.amount.amount for e in split.entries) == Decimal("100.00")


def test_a_split_is_one_audited_act_the_trail_vouches_for(example_ctx: Context) -> None:
    split = ledger.add_split(example_ctx, ALLIANCE_AMOUNT)
    first, last = split.entries[0].id, split.entries[-1].id
    newest = audit_trail.records(example_ctx)[-1]
    assert (newest.action, newest.subject) == ("ledger.split", f"ledger/{first}-{last}")
    assert '"100.00"' in (newest.after or "")
    checked = audit_trail.verification(example_ctx)
    assert checked.problems == []


def test_a_cost_base_split_is_refused_and_says_no_weight(example_ctx: Context) -> None:
    _with_initiative(example_ctx, "PUR-902", "RENAULT=3100000000,NISSAN=7300000000",
                     AllocationMethod.cost_base)  # fmt: skip
    before = len(ledger.entries(example_ctx))
    with pytest.raises(Conflict) as refused:
        ledger.add_split(example_ctx, replace(ALLIANCE_AMOUNT, initiative_id="PUR-902"))
    said = f"{refused.value.message} {refused.value.fix}"
    assert "cost base" in said and not any(d in said for d in "0123456789")
    assert len(ledger.entries(example_ctx)) == before


def test_only_who_may_record_for_every_partner_splits(example_ctx: Context) -> None:
    """A Renault purchasing lead records Renault's part only: the split is refused whole."""
    lead = Context(example_ctx.store, Actor("pierre", Role.function_lead, "RENAULT",
                                            ("purchasing",)), example_ctx.clock)  # fmt: skip
    controller = Context(example_ctx.store, Actor("kenji", Role.controller, "NISSAN"),
                         example_ctx.clock)  # fmt: skip
    before = len(ledger.entries(example_ctx))
    for who in (lead, controller):
        with pytest.raises(PermissionDenied) as refused:
            ledger.add_split(who, replace(ALLIANCE_AMOUNT, initiative_id="PUR-001"))
        assert refused.value.field == "partner"
    assert len(ledger.entries(example_ctx)) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [({"initiative_id": None}, "initiative_id"), ({"partner": "RENAULT"}, "partner"),
     ({"amount": Money.of("0", "EUR")}, "amount")],
)  # fmt: skip
def test_what_cannot_be_split_is_refused(
    example_ctx: Context, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        ledger.add_split(example_ctx, replace(ALLIANCE_AMOUNT, **change))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_an_alliance_amount_is_never_recorded_as_one_entry(example_ctx: Context) -> None:
    with pytest.raises(InvalidInput) as refused:
        ledger.add(example_ctx, ALLIANCE_AMOUNT)
    assert refused.value.field == "partner"
    with pytest.raises(InvalidInput, match="whole alliance"):
        Partner.create(ALLIANCE, "The alliance", "EUR")
