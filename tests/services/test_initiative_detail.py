"""One initiative in full: the gate ahead, its history and ledger, the runs that measured it,
its place in the forecast, and an audit history that keeps before/after to its readers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from synergies.domain.accounts import Role
from synergies.domain.gates import unmet
from synergies.domain.initiatives import Stage
from synergies.domain.ledger import EntryFilter
from synergies.services import (
    audit_trail,
    forecasts,
    initiative_detail,
    initiatives,
    ledger,
    measurement,
)
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter
from synergies.services.security import Actor
from tests.measurement.hand_case import write_hand_case


def as_role(ctx: Context, role: Role, partner: str | None = None) -> Context:
    return replace(ctx, actor=Actor(f"someone ({role.value})", role, partner))


def test_the_detail_is_the_initiative_its_gate_history_and_ledger(example_ctx: Context) -> None:
    found = initiative_detail.detail(example_ctx, "PUR-004")
    assert found.initiative == initiatives.get(example_ctx, "PUR-004")
    assert found.next_stage is Stage.L3
    assert list(found.unmet) == unmet(found.initiative, Stage.L3) and len(found.unmet) == 2
    assert [(h.from_stage, h.to_stage) for h in found.history] == [(None, "L2")]
    realized = initiative_detail.detail(example_ctx, "PUR-001")
    assert realized.next_stage is None and realized.unmet == ()
    wanted = ledger.entries(example_ctx, EntryFilter(initiative="PUR-001"))
    assert list(realized.entries) == wanted and wanted


def test_a_gate_passed_shows_in_the_history(example_ctx: Context) -> None:
    initiatives.lock_plan(example_ctx, "PUR-004")
    after = initiative_detail.detail(example_ctx, "PUR-004")
    assert list(after.unmet) == ["an approval (say who approved it, e.g. 'Alliance Board')"]
    approver = as_role(example_ctx, Role.approver)
    initiatives.approve(approver, "PUR-004", "Alliance Board", example_ctx.clock().date())
    assert initiative_detail.unmet(example_ctx, "PUR-004", Stage.L3) == []
    initiatives.advance(example_ctx, "PUR-004", Stage.L3)
    newest = initiative_detail.detail(example_ctx, "PUR-004").history[-1]
    assert (newest.from_stage, newest.to_stage, newest.actor) == (
        "L2", "L3", example_ctx.actor.name,
    )  # fmt: skip


def test_the_partner_filter_keeps_the_initiatives_a_partner_shares(example_ctx: Context) -> None:
    everything = initiatives.list_initiatives(example_ctx)
    nissan = initiatives.list_initiatives(example_ctx, InitiativeFilter(partner="NISSAN"))
    assert [i.id for i in nissan] == [i.id for i in everything if "NISSAN" in i.partners()]
    assert initiatives.list_initiatives(example_ctx, InitiativeFilter(partner="DAIMLER")) == []
    l3 = initiatives.list_initiatives(
        example_ctx, InitiativeFilter(stage=Stage.L3, partner="RENAULT")
    )
    assert l3 and all(i.stage is Stage.L3 for i in l3)


def test_measured_lineage_names_the_runs_that_measured_it(
    example_ctx: Context, tmp_path: Path
) -> None:
    assert initiative_detail.detail(example_ctx, "PUR-002").runs == ()
    outcome = measurement.post_source(example_ctx, write_hand_case(tmp_path / "hand"))
    measured = initiative_detail.detail(example_ctx, "PUR-002").runs
    assert [m.run.id for m in measured] == [outcome.run_id]
    row = next(
        r for r in measured[0].run.summary["by_initiative"] if r["initiative_id"] == "PUR-002"
    )
    assert measured[0].figures == row and "leakage" not in row  # public figures only
    assert initiative_detail.detail(example_ctx, "PUR-004").runs == ()  # not in the source


def test_the_forecast_contribution_is_the_forecasts_own(example_ctx: Context) -> None:
    outcome = forecasts.run_forecast(example_ctx, as_of=2015)
    ranked = outcome.result.tornado.initiatives
    counted = initiative_detail.forecast_contribution(example_ctx, "PUR-003", as_of=2015)
    assert counted.as_of == 2015 and counted.target_year == 2018
    assert counted.counted in outcome.inputs.portfolio.initiatives
    assert counted.driver == next(d for d in ranked if d.name == "PUR-003")
    assert counted.rank == [d.name for d in ranked].index("PUR-003") + 1
    assert counted.excluded is None and counted.payback is not None
    assert counted.stage_probability is not None and counted.stage_probability.stage == "L3"
    daimler = initiative_detail.forecast_contribution(example_ctx, "PUR-004", as_of=2015)
    assert daimler.counted is None and daimler.driver is None
    assert daimler.excluded is not None and "DAIMLER" in daimler.excluded


def test_the_forecast_follows_a_change_of_the_register(example_ctx: Context) -> None:
    before = initiative_detail.forecast_contribution(example_ctx, "PUR-003", as_of=2015)
    assert before.own_probability is None
    initiatives.set_probability(example_ctx, "PUR-003", Decimal("0.2"))
    after = initiative_detail.forecast_contribution(example_ctx, "PUR-003", as_of=2015)
    assert after.own_probability == Decimal("0.2")
    assert after.counted is not None and after.counted.probability == 0.2
    assert after.driver != before.driver  # not a cached forecast of the old register


def test_audit_before_and_after_only_for_readers_of_the_audit_trail(
    example_ctx: Context,
) -> None:
    initiatives.set_probability(example_ctx, "PUR-003", Decimal("0.6"))
    records = audit_trail.records(example_ctx, "initiative/PUR-003")
    detailed = initiative_detail.audit_history(example_ctx, "PUR-003")
    assert [a.seq for a in detailed] == [r.seq for r in reversed(records)]
    newest = detailed[0]
    assert newest.action == "initiative.probability" and newest.detailed
    assert {c.field: (c.before, c.after) for c in newest.changes} == {
        "probability": ("null", '"0.6"'), "version": ("1", "2"),
    }  # fmt: skip
    for role, partner in ((Role.viewer, "NISSAN"), (Role.controller, "RENAULT")):
        plain = initiative_detail.audit_history(as_role(example_ctx, role, partner), "PUR-003")
        assert [(a.seq, a.action) for a in plain] == [(a.seq, a.action) for a in detailed]
        assert all(not a.detailed and a.changes == () for a in plain)
