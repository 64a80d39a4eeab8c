"""The rules' settings: an alliance admin's, audited, checked; and who sees which alert."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.domain.accounts import Role
from synergies.domain.alerts import DEFAULTS, Rule
from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput, PermissionDenied
from synergies.measurement.result import Cell
from synergies.services import alerts
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.storage import audit_rows
from tests.alerts.conftest import SEED_DAY, fired, post, saving


def as_(ctx: Context, role: Role, partner: str | None = None) -> Context:
    return replace(ctx, actor=Actor(f"someone ({role.value})", role, partner))


def test_every_rule_starts_at_its_default_and_everyone_reads_the_settings(ctx: Context) -> None:
    shown = alerts.settings(as_(ctx, Role.viewer, "NISSAN"))
    assert [(s.rule, s.threshold, s.enabled) for s in shown] == [
        (rule, DEFAULTS[rule], True) for rule in Rule
    ]


def test_an_admin_sets_a_threshold_and_the_trail_says_who_and_what(ctx: Context) -> None:
    alerts.set_rule(ctx, Rule.leakage, Decimal("250000"))
    alerts.set_rule(ctx, Rule.gate_overdue, enabled=False)
    shown = {s.rule: s for s in alerts.settings(ctx)}
    assert shown[Rule.leakage].threshold == Decimal("250000") and shown[Rule.leakage].enabled
    assert not shown[Rule.gate_overdue].enabled
    with ctx.reading() as conn:
        (record,) = audit_rows.records(conn, "alert rule/leakage")
    assert (record.action, record.actor) == ("alerts.rule", ctx.actor.name)
    assert json.loads(record.before or "")["threshold"] == "100000"
    assert json.loads(record.after or "")["threshold"] == "250000"


def test_a_rule_switched_off_fires_nothing(ctx: Context) -> None:
    assert fired(ctx, Rule.gate_overdue)
    alerts.set_rule(ctx, Rule.gate_overdue, enabled=False)
    assert fired(ctx, Rule.gate_overdue) == []


@pytest.mark.parametrize("role", [Role.viewer, Role.controller, Role.function_lead])
def test_only_an_alliance_admin_sets_a_rule(ctx: Context, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        alerts.set_rule(as_(ctx, role, "RENAULT"), Rule.behind_ramp, Decimal(5))
    assert alerts.settings(ctx)[0].threshold == DEFAULTS[Rule.behind_ramp]


@pytest.mark.parametrize(
    ("rule", "value", "fix"),
    [
        (Rule.behind_ramp, "150", "from 0 to 100 %"),
        (Rule.gate_overdue, "2.5", "a whole number from 0 to 3,650 days"),
        (Rule.leakage, "-1", "from 0 to"),
    ],
)
def test_a_threshold_out_of_its_units_range_is_refused(
    ctx: Context, rule: Rule, value: str, fix: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        alerts.set_rule(ctx, rule, Decimal(value))
    assert refused.value.field == "threshold" and fix in (refused.value.fix or "")
    with ctx.reading() as conn:
        assert audit_rows.records(conn, "alert rule/") == []


@pytest.fixture
def renault_leak(ctx: Context, tmp_path: Path) -> None:
    cell = Cell("PUR-001", "RENAULT", Month(2016, 1))
    post(ctx, tmp_path / "purchases", {cell: saving("900000", leakage="250000", leaking=4)})


@pytest.mark.usefixtures("renault_leak")
@pytest.mark.parametrize(
    ("role", "partner", "sees"),
    [
        (Role.controller, "RENAULT", True),
        (Role.clean_team, None, True),
        (Role.admin, None, True),
        (Role.controller, "NISSAN", False),
        (Role.viewer, "RENAULT", False),
        (Role.function_lead, "RENAULT", False),
    ],
)
def test_a_partners_confidential_alert_reaches_only_its_readers(
    ctx: Context, role: Role, partner: str | None, sees: bool
) -> None:
    reader = as_(ctx, role, partner)
    found = alerts.evaluate(reader, today=SEED_DAY)
    assert any(a.rule is Rule.leakage for a in found) is sees
    assert any(a.rule is Rule.gate_overdue for a in found)  # the rest, everyone sees
