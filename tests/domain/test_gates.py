from datetime import date
from decimal import Decimal

import pytest

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.errors import GateRefused
from synergies.domain.gates import advance, unmet
from synergies.domain.initiatives import (
    Approval,
    Category,
    Initiative,
    PlanFigures,
    SideStatus,
    SignOff,
    Stage,
)
from synergies.domain.money import Money

SPLIT = AllocationRule(AllocationMethod.fixed, (("RENAULT", Decimal(40)), ("NISSAN", Decimal(60))))
FIGURES = PlanFigures(Money.of("1000000", "EUR"), Money.of("50000", "EUR"), Month(2016, 7))


def idea(**changes: object) -> Initiative:
    base = Initiative("PUR-9", "Joint tyres", "purchasing", "D. Girard", Category.cost_reduction,
                      SPLIT)  # fmt: skip
    return base.with_changes(**changes) if changes else base


def test_a_gate_cannot_be_skipped() -> None:
    with pytest.raises(GateRefused, match="gate skipped: from L0 the next stage is L1, not L3"):
        advance(idea(), Stage.L3)


def test_stages_only_move_forward() -> None:
    assert unmet(idea(stage=Stage.L2), Stage.L1) == [
        "it is already at L2; stages only move forward"
    ]


def test_l2_needs_a_business_case() -> None:
    with pytest.raises(GateRefused, match="business case with run-rate and one-off costs"):
        advance(idea(stage=Stage.L1), Stage.L2)
    assert advance(idea(stage=Stage.L1, forecast=FIGURES), Stage.L2).stage is Stage.L2


def test_l3_needs_an_approval_and_a_locked_plan_and_says_both() -> None:
    reasons = unmet(idea(stage=Stage.L2, forecast=FIGURES), Stage.L3)
    assert len(reasons) == 2
    assert reasons[0].startswith("an approval") and reasons[1].startswith("a locked plan")
    ready = idea(stage=Stage.L2, forecast=FIGURES, locked_plan=FIGURES,
                 approval=Approval("Alliance Board", date(2016, 6, 1)))  # fmt: skip
    assert advance(ready, Stage.L3).stage is Stage.L3


def test_l5_needs_every_sharing_partner_to_sign_off() -> None:
    executed = idea(stage=Stage.L4, forecast=FIGURES, locked_plan=FIGURES)
    one = executed.with_changes(signoffs=(SignOff("RENAULT", "I. Lambert", date(2017, 2, 1)),))
    with pytest.raises(GateRefused, match="controller of NISSAN"):
        advance(one, Stage.L5)
    both = one.with_changes(
        signoffs=(*one.signoffs, SignOff("NISSAN", "J. Suzuki", date(2017, 2, 2)))
    )
    assert advance(both, Stage.L5).stage is Stage.L5


def test_a_partner_with_zero_weight_need_not_sign() -> None:
    rule = AllocationRule(
        AllocationMethod.volume, (("RENAULT", Decimal(1)), ("NISSAN", Decimal(0)))
    )
    signed = idea(stage=Stage.L4, allocation=rule,
                  signoffs=(SignOff("RENAULT", "I. Lambert", date(2017, 2, 1)),))  # fmt: skip
    assert advance(signed, Stage.L5).stage is Stage.L5


@pytest.mark.parametrize("status", [SideStatus.cancelled, SideStatus.on_hold])
def test_a_cancelled_or_held_initiative_cannot_advance(status: SideStatus) -> None:
    with pytest.raises(GateRefused, match=status.value):
        advance(idea(side_status=status), Stage.L1)


def test_at_risk_does_not_block_a_gate() -> None:
    assert advance(idea(side_status=SideStatus.at_risk), Stage.L1).stage is Stage.L1


def test_advancing_bumps_the_version() -> None:
    assert advance(idea(), Stage.L1).version == 2


def test_l5_needs_sign_offs_from_different_people() -> None:
    one_person = (
        SignOff("RENAULT", "Ada Admin", date(2017, 2, 1)),
        SignOff("NISSAN", "ada admin", date(2017, 2, 1)),
    )
    executed = idea(stage=Stage.L4, forecast=FIGURES, locked_plan=FIGURES, signoffs=one_person)
    with pytest.raises(GateRefused, match="different people"):
        advance(executed, Stage.L5)
