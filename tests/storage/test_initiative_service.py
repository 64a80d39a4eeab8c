"""Initiatives through the service layer on both backends: gates, versions, sign-off."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, GateRefused, InvalidInput, NotFound
from synergies.domain.initiatives import PlanFigures, SideStatus, Stage
from synergies.domain.money import Money
from synergies.services import initiatives
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter

FIGURES = PlanFigures(Money.of("450000000", "EUR"), Money.of("15000000", "EUR"), Month(2016, 7))


def test_the_example_has_initiatives_at_every_stage(example_ctx: Context) -> None:
    stages = {i.stage for i in initiatives.list_initiatives(example_ctx)}
    assert stages == set(Stage)
    purchasing = initiatives.list_initiatives(example_ctx, InitiativeFilter(function="purchasing"))
    assert [i.id for i in purchasing] == ["PUR-001", "PUR-002", "PUR-003", "PUR-004", "PUR-005"]


def test_an_initiative_walks_through_every_gate(example_ctx: Context) -> None:
    ctx = example_ctx
    initiatives.advance(ctx, "CST-001", Stage.L1)
    with pytest.raises(GateRefused, match="business case"):
        initiatives.advance(ctx, "CST-001", Stage.L2)
    initiatives.update_figures(ctx, "CST-001", FIGURES)
    initiatives.advance(ctx, "CST-001", Stage.L2)
    with pytest.raises(GateRefused, match="approval.*locked plan"):
        initiatives.advance(ctx, "CST-001", Stage.L3)
    initiatives.approve(ctx, "CST-001", "Alliance Board", date(2016, 5, 1))
    initiatives.lock_plan(ctx, "CST-001")
    initiatives.advance(ctx, "CST-001", Stage.L3)
    initiatives.advance(ctx, "CST-001", Stage.L4)
    initiatives.sign_off(ctx, "CST-001", "RENAULT", "I. Lambert", date(2017, 2, 1))
    with pytest.raises(GateRefused, match="NISSAN"):
        initiatives.advance(ctx, "CST-001", Stage.L5)
    initiatives.sign_off(ctx, "CST-001", "NISSAN", "J. Suzuki", date(2017, 2, 2))
    done = initiatives.advance(ctx, "CST-001", Stage.L5)
    assert done.stage is Stage.L5
    assert done.locked_plan == FIGURES


def test_a_locked_plan_never_changes(example_ctx: Context) -> None:
    before = initiatives.get(example_ctx, "PUR-003").locked_plan
    initiatives.update_figures(example_ctx, "PUR-003", FIGURES)
    after = initiatives.get(example_ctx, "PUR-003")
    assert after.locked_plan == before and after.forecast == FIGURES
    with pytest.raises(Conflict, match="already locked"):
        initiatives.lock_plan(example_ctx, "PUR-003")


def test_a_stale_update_is_refused_and_changes_nothing(example_ctx: Context) -> None:
    current = initiatives.get(example_ctx, "PUR-003")
    initiatives.update_figures(example_ctx, "PUR-003", FIGURES, expected_version=current.version)
    other = PlanFigures(Money.of("1", "EUR"), Money.of("1", "EUR"), Month(2017, 1))
    with pytest.raises(Conflict, match="at version"):
        initiatives.update_figures(example_ctx, "PUR-003", other, expected_version=current.version)
    assert initiatives.get(example_ctx, "PUR-003").forecast == FIGURES


def test_a_failed_gate_writes_nothing(example_ctx: Context) -> None:
    before = initiatives.get(example_ctx, "QUA-001")
    with pytest.raises(GateRefused):
        initiatives.advance(example_ctx, "QUA-001", Stage.L4)
    assert initiatives.get(example_ctx, "QUA-001") == before


def test_the_proposer_cannot_sign_off(example_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="cannot sign it off"):
        initiatives.sign_off(example_ctx, "PUR-002", "RENAULT", "D. Girard", date(2017, 1, 1))


def test_only_a_sharing_partner_signs(example_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="does not share"):
        initiatives.sign_off(example_ctx, "PUR-002", "MITSUBISHI", "K. Ito", date(2017, 1, 1))


def test_a_cancelled_initiative_is_stuck_until_cleared(example_ctx: Context) -> None:
    initiatives.set_status(example_ctx, "QUA-001", SideStatus.cancelled)
    with pytest.raises(GateRefused, match="cancelled"):
        initiatives.advance(example_ctx, "QUA-001", Stage.L2)
    initiatives.set_status(example_ctx, "QUA-001", None)
    assert initiatives.get(example_ctx, "QUA-001").side_status is None


def test_an_unknown_initiative_says_how_to_list_them(example_ctx: Context) -> None:
    with pytest.raises(NotFound) as error:
        initiatives.advance(example_ctx, "XYZ-1", Stage.L1)
    assert error.value.field == "initiative" and "list the initiatives" in (error.value.fix or "")


def test_amounts_keep_their_cents(example_ctx: Context) -> None:
    cents = PlanFigures(Money.of("1234567.89", "EUR"), Money.of("0.01", "EUR"), Month(2016, 1))
    initiatives.update_figures(example_ctx, "QUA-001", cents)
    stored = initiatives.get(example_ctx, "QUA-001").forecast
    assert stored is not None and stored.run_rate.amount == Decimal("1234567.89")
    assert stored.one_off_costs.amount == Decimal("0.01")
