"""Alerts: what fires now over the store, and the thresholds the alliance admin sets.

Every signed-in reader sees the alerts, but an alert drawn from a partner's confidential
figures (leakage, double-claimed lines) only if they may read that partner's confidential
data. Setting a rule is an alliance admin's act, audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from synergies.api.deps import ContextDep
from synergies.api.problems import READ_ERRORS, WRITE_ERRORS
from synergies.domain.alerts import Rule
from synergies.schemas.alerts import AlertsOut, RuleSettingIn, RuleSettingOut
from synergies.schemas.common import Day
from synergies.services import alerts

router = APIRouter(prefix="/alerts", tags=["alerts"])


@router.get("", responses=READ_ERRORS)
def list_alerts(
    ctx: ContextDep,
    on: Annotated[
        Day | None, Query(description="Evaluate as of this day (default: today).")
    ] = None,
) -> AlertsOut:
    """Every alert that fires, rule by rule, with the figure found and the threshold."""
    day = on or ctx.clock().date()
    return AlertsOut.of(day, alerts.evaluate(ctx, today=day))


@router.get("/rules", responses=READ_ERRORS)
def list_rules(ctx: ContextDep) -> list[RuleSettingOut]:
    """Every rule with its threshold, its unit and whether it is evaluated."""
    return [RuleSettingOut.of(s) for s in alerts.settings(ctx)]


@router.put("/rules/{rule}", responses=WRITE_ERRORS)
def set_rule(
    ctx: ContextDep,
    rule: Annotated[Rule, Path(description="The rule, e.g. 'behind ramp'.")],
    body: RuleSettingIn,
) -> RuleSettingOut:
    """Set a rule's threshold or switch it on or off (alliance admin). A percentage is at
    most 100; days and lines are whole numbers (refused with 422 naming `threshold`)."""
    return RuleSettingOut.of(alerts.set_rule(ctx, rule, body.threshold, body.enabled))
