"""Initiatives through the service layer on both backends: gates, versions, approval and
sign-off by separate people."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from synergies.domain.accounts import Role
from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, GateRefused, InvalidInput, NotFound, PermissionDenied
from synergies.domain.initiatives import PlanFigures, SideStatus, Stage
from synergies.domain.money import Money
from synergies.services import audit_trail, initiatives
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter
from synergies.services.security import Actor

FIGURES = PlanFigures(Money.of("450000000", "EUR"), Money.of("15000000", "EUR"), Month(2016, 7))
TODAY = datetime.now(UTC).date()


def test_the_example_has_initiatives_at_every_stage(example_ctx: Context) -> None:
    stages = {i.stage for i in initiatives.list_initiatives(example_ctx)}
    assert stages == set(Stage)
    purchasing = initiatives.list_initiatives(example_ctx, InitiativeFilter(function="purchasing"))
    assert [i.id for i in purchasing] == ["PUR-001", "PUR-002", "PUR-003", "PUR-004", "PUR-005"]


def _as(ctx: Context, name: str, role: Role, partner: str | None = None,
        functions: tuple[str, ...] = ()) -> Context:  # fmt: skip
    return Context(ctx.store, Actor(name, role, partner, functions), ctx.clock)


@dataclass
class People:
    """The separate people one initiative needs on its way to L5."""

    admin: Context
    lead: Context  # leads costing for RENAULT: CST-001's function
    approver: Context
    renault: Context
    nissan: Context


@pytest.fixture
def people(example_ctx: Context) -> People:
    return People(
        admin=example_ctx,
        lead=_as(example_ctx, "pierre.lead", Role.function_lead, "RENAULT", ("costing",)),
        approver=_as(example_ctx, "alba.approver", Role.approver, "RENAULT"),
        renault=_as(example_ctx, "rene.controller", Role.controller, "RENAULT"),
        nissan=_as(example_ctx, "naoko.controller", Role.controller, "NISSAN"),
    )


def _to_l2(people: People, initiative_id: str = "CST-001") -> None:
    initiatives.advance(people.lead, initiative_id, Stage.L1)
    initiatives.update_figures(people.lead, initiative_id, FIGURES)
    initiatives.advance(people.lead, initiative_id, Stage.L2)


def _to_l4(people: People, initiative_id: str = "CST-001") -> None:
    _to_l2(people, initiative_id)
    initiatives.approve(people.approver, initiative_id, "Alliance Board", TODAY)
    initiatives.lock_plan(people.lead, initiative_id)
    initiatives.advance(people.lead, initiative_id, Stage.L3)
    initiatives.advance(people.lead, initiative_id, Stage.L4)


def test_an_initiative_walks_through_every_gate(people: People) -> None:
    lead = people.lead
    initiatives.advance(lead, "CST-001", Stage.L1)
    with pytest.raises(GateRefused, match="business case"):
        initiatives.advance(lead, "CST-001", Stage.L2)
    initiatives.update_figures(lead, "CST-001", FIGURES)
    initiatives.advance(lead, "CST-001", Stage.L2)
    with pytest.raises(GateRefused, match="approval.*locked plan"):
        initiatives.advance(lead, "CST-001", Stage.L3)
    initiatives.approve(people.approver, "CST-001", "Alliance Board", TODAY)
    initiatives.lock_plan(lead, "CST-001")
    initiatives.advance(lead, "CST-001", Stage.L3)
    initiatives.advance(lead, "CST-001", Stage.L4)
    initiatives.sign_off(people.renault, "CST-001", "RENAULT", TODAY)
    with pytest.raises(GateRefused, match="NISSAN"):
        initiatives.advance(lead, "CST-001", Stage.L5)
    signed = initiatives.sign_off(people.nissan, "CST-001", "NISSAN", TODAY)
    assert [(s.partner, s.controller) for s in signed.signoffs] == [
        ("RENAULT", "rene.controller"), ("NISSAN", "naoko.controller"),
    ]  # fmt: skip
    done = initiatives.advance(lead, "CST-001", Stage.L5)
    assert done.stage is Stage.L5
    assert done.locked_plan == FIGURES


def test_an_alliance_admin_does_not_sign_off(people: People) -> None:
    _to_l4(people)
    with pytest.raises(PermissionDenied, match="may not sign off"):
        initiatives.sign_off(people.admin, "CST-001", "RENAULT", TODAY)


def test_a_controller_signs_only_for_their_own_partner(people: People) -> None:
    _to_l4(people)
    initiatives.sign_off(people.renault, "CST-001", "RENAULT", TODAY)
    with pytest.raises(PermissionDenied) as refused:
        initiatives.sign_off(people.renault, "CST-001", "NISSAN", TODAY)
    assert refused.value.field == "partner"
    assert [s.partner for s in initiatives.get(people.admin, "CST-001").signoffs] == ["RENAULT"]


def test_the_owner_cannot_sign_off_even_as_a_controller(people: People) -> None:
    _to_l4(people)
    owner = _as(people.admin, "F. Kimura", Role.controller, "NISSAN")  # CST-001's owner
    with pytest.raises(PermissionDenied, match="cannot sign it off"):
        initiatives.sign_off(owner, "CST-001", "NISSAN", TODAY)


def test_a_sign_off_is_taken_only_at_l4(people: People) -> None:
    with pytest.raises(Conflict, match="sign-offs are taken at L4"):
        initiatives.sign_off(people.renault, "CST-001", "RENAULT", TODAY)
    assert initiatives.get(people.admin, "CST-001").signoffs == ()


@pytest.mark.parametrize(
    "day", [date(1900, 1, 1), date(2199, 12, 31), TODAY + timedelta(days=1),
            TODAY - timedelta(days=401)],
    ids=["1900", "2199", "tomorrow", "401 days ago"],
)  # fmt: skip
def test_a_sign_off_is_dated_within_a_sane_window(people: People, day: date) -> None:
    _to_l4(people)
    with pytest.raises(InvalidInput) as refused:
        initiatives.sign_off(people.renault, "CST-001", "RENAULT", day)
    assert refused.value.field == "on"


def test_changed_figures_lapse_the_sign_offs(people: People) -> None:
    _to_l4(people)
    initiatives.sign_off(people.renault, "CST-001", "RENAULT", TODAY)
    initiatives.sign_off(people.nissan, "CST-001", "NISSAN", TODAY)
    raised = PlanFigures(Money.of("99999999999999", "EUR"), FIGURES.one_off_costs, FIGURES.start)
    changed = initiatives.update_figures(people.lead, "CST-001", raised)
    assert changed.signoffs == () and initiatives.get(people.admin, "CST-001").signoffs == ()
    with pytest.raises(GateRefused, match="RENAULT, NISSAN"):
        initiatives.advance(people.lead, "CST-001", Stage.L5)
    trail = audit_trail.records(people.admin, "initiative/CST-001")
    assert "initiative.lapse" in [r.action for r in trail]
    initiatives.sign_off(people.renault, "CST-001", "RENAULT", TODAY)
    initiatives.sign_off(people.nissan, "CST-001", "NISSAN", TODAY)
    assert initiatives.advance(people.lead, "CST-001", Stage.L5).stage is Stage.L5


def test_the_figures_of_a_realized_initiative_are_final(people: People) -> None:
    with pytest.raises(Conflict, match="realized"):
        initiatives.update_figures(people.admin, "PUR-001", FIGURES)


def test_a_lead_cannot_approve_nor_walk_to_l4_alone(people: People) -> None:
    _to_l2(people)
    with pytest.raises(PermissionDenied, match="may not approve"):
        initiatives.approve(people.lead, "CST-001", "Alliance Board", TODAY)
    initiatives.lock_plan(people.lead, "CST-001")
    with pytest.raises(GateRefused, match="an approval"):
        initiatives.advance(people.lead, "CST-001", Stage.L3)


def test_whoever_set_the_figures_cannot_approve_them(people: People) -> None:
    initiatives.advance(people.admin, "CST-001", Stage.L1)
    initiatives.update_figures(people.admin, "CST-001", FIGURES)
    initiatives.advance(people.admin, "CST-001", Stage.L2)
    with pytest.raises(PermissionDenied, match="cannot approve it"):
        initiatives.approve(people.admin, "CST-001", "Alliance Board", TODAY)
    owner = _as(people.admin, "f. kimura", Role.approver, "NISSAN")
    with pytest.raises(PermissionDenied, match="cannot approve it"):
        initiatives.approve(owner, "CST-001", "Alliance Board", TODAY)


def test_an_approval_is_recorded_at_l2_and_dated_sanely(people: People) -> None:
    with pytest.raises(Conflict, match="recorded at L2"):
        initiatives.approve(people.approver, "CST-001", "Alliance Board", TODAY)
    _to_l2(people)
    with pytest.raises(InvalidInput) as refused:
        initiatives.approve(people.approver, "CST-001", "Alliance Board", date(2199, 12, 31))
    assert refused.value.field == "on"


def test_changed_figures_lapse_an_approval_not_yet_locked(people: People) -> None:
    _to_l2(people)
    initiatives.approve(people.approver, "CST-001", "Alliance Board", TODAY)
    raised = PlanFigures(Money.of("900000000", "EUR"), FIGURES.one_off_costs, FIGURES.start)
    assert initiatives.update_figures(people.lead, "CST-001", raised).approval is None


def test_an_initiative_is_created_as_an_idea(people: People) -> None:
    signed = replace(initiatives.get(people.admin, "PUR-001"), id="PUR-777", illustrative=False)
    with pytest.raises(InvalidInput, match="create it at L0"):
        initiatives.create(people.admin, signed)


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


def test_the_proposer_cannot_sign_off(people: People) -> None:
    proposer = _as(people.admin, "D. Girard", Role.controller, "RENAULT")
    with pytest.raises(PermissionDenied, match="cannot sign it off"):
        initiatives.sign_off(proposer, "PUR-002", "RENAULT", TODAY)


def test_only_a_sharing_partner_signs(people: People) -> None:
    outsider = _as(people.admin, "K. Ito", Role.controller, "DAIMLER")
    with pytest.raises(Conflict, match="does not share"):
        initiatives.sign_off(outsider, "PUR-002", "DAIMLER", TODAY)


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
