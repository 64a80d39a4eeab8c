"""The alerts page: what fires now, grouped by rule with the figure against the threshold,
and for the alliance admin the rules' thresholds, set through the same service as
`PUT /alerts/rules/{rule}` (checked, audited). A refused threshold comes back beside its
rule with the fix, and nothing is changed; a change that succeeds redirects (303)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from synergies.api.problems import STATUSES
from synergies.domain.alerts import Rule
from synergies.domain.errors import InvalidInput
from synergies.domain.money import parse_decimal
from synergies.schemas.alerts import AlertOut, RuleSettingOut
from synergies.schemas.common import Day
from synergies.services import alerts
from synergies.services.security import Action
from synergies.web.pages.admin import Refusal
from synergies.web.session import FormViewer, Viewer, ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE = "/web/alerts"
JSON_LINKS = (("Alerts", "/alerts"), ("Rules", "/alerts/rules"))


def _page(
    request: Request, viewer: Viewer, *, on: Day | None = None, status: int = 200,
    refusal: Refusal | None = None, done: str = "",
) -> HTMLResponse:  # fmt: skip
    ctx = viewer.ctx
    day = on or ctx.clock().date()
    found = [AlertOut.of(a) for a in alerts.evaluate(ctx, today=day)]
    rules = [RuleSettingOut.of(s) for s in alerts.settings(ctx)]
    groups = [(r, [a for a in found if a.rule is r.rule]) for r in rules]
    return render(
        request, "alerts.html", viewer, status=status, title="Alerts", json_links=JSON_LINKS,
        on=day, count=len(found), groups=groups, rules=rules, refusal=refusal, done=done,
        may_set=viewer.may(Action.manage_structure),
    )  # fmt: skip


@router.get(PAGE)
def alerts_page(
    request: Request,
    viewer: ViewerDep,
    on: Annotated[Day | None, Query()] = None,
    done: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """What fires on a day (default: today), rule by rule."""
    message = f"The rule “{done}” is set." if done in {r.value for r in Rule} else ""
    return _page(request, viewer, on=on, done=message)


@router.post(f"{PAGE}/rules/{{rule}}")
def set_rule(
    request: Request, viewer: FormViewer, rule: Annotated[Rule, Path()],
    threshold: Annotated[str, Form(max_length=40)] = "",
    enabled: Annotated[str, Form(max_length=10)] = "",
    on: Annotated[str, Form(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
) -> Response:  # fmt: skip
    """A rule's threshold and whether it is evaluated (alliance admin)."""
    try:
        value = parse_decimal(threshold.strip(), field="threshold")
        alerts.set_rule(viewer.ctx, rule, value, enabled == "on")
    except InvalidInput as error:
        status = next((s for kind, s in STATUSES.items() if isinstance(error, kind)), 422)
        return _page(request, viewer, status=status, refusal=Refusal.of(rule.value, error))
    back = {"done": rule.value, **({"on": on} if on else {})}  # the day the admin was viewing
    return RedirectResponse(f"{PAGE}?{urlencode(back)}", 303)
