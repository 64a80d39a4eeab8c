"""The convergence page: each function's stages over time, and what converging one would do.

The what-if is a read: its form is a GET, so it works without scripts, can be bookmarked and
writes nothing. It runs the API's own what-if (the same schema checks, the same service, the
same seed), so its figures are those of `POST /forecast/whatif` for the same move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from synergies.api.problems import STATUSES
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.functions import ConvergenceStage
from synergies.domain.initiatives import Stage
from synergies.schemas.common import parsed
from synergies.schemas.forecast import ConvergenceMoveIn, WhatIfIn, WhatIfOut
from synergies.schemas.structure import FunctionOut
from synergies.services import structure
from synergies.services.whatif import what_if
from synergies.web.session import Viewer, ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)

ORDER = {stage: n for n, stage in enumerate(ConvergenceStage)}
MOVE_FIELDS = ("function", "start", "saving_percent", "cost_base", "ramp_months", "stage")
FORECAST_FIELDS = ("target_year", "as_of")
DEFAULTS = {
    "start": "2016-07-01", "saving_percent": "3", "cost_base": "10000000000",
    "ramp_months": str(ConvergenceMoveIn.model_fields["ramp_months"].default),
    "stage": Stage.L1.value,
    "target_year": str(WhatIfIn.model_fields["target_year"].default), "as_of": "",
}  # fmt: skip
LABELS = {
    "function": "Function", "start": "Convergence starts",
    "saving_percent": "Saving at full ramp (% of cost)", "cost_base": "Annual cost base (EUR)",
    "ramp_months": "Ramp (months)", "stage": "Stage of the move", "target_year": "Target year",
    "as_of": "Forecast from (realized year)",
}  # fmt: skip
# The fix to show when the schema refuses a value without saying how to mend it.
FIXES = {
    "function": "choose a function from the list",
    "start": "write the day as YYYY-MM-DD, e.g. 2016-07-01",
    "saving_percent": "give a percentage of the cost base above 0 and at most 100, e.g. 3",
    "cost_base": "give the annual cost in EUR with digits only, e.g. 10000000000",
    "ramp_months": "give a whole number of months from 0 to 120",
    "stage": "choose a stage from L0 to L5",
    "target_year": "give the year of a target, e.g. 2018",
    "as_of": "give a realized year, or leave it empty for the latest",
}
Text = Annotated[str | None, Query(max_length=60)]


@dataclass(frozen=True, slots=True)
class FieldError:
    """A refusal as the form shows it: beside the field it names (or above the form)."""

    field: str | None
    message: str
    fix: str
    status: int


@dataclass(slots=True)
class WhatIfForm:
    """The form as the viewer filled it in, and what it gave."""

    values: dict[str, str]
    asked: bool
    result: WhatIfOut | None = None
    error: FieldError | None = None


def _ordered(functions: list[FunctionOut]) -> list[FunctionOut]:
    """Furthest converged first, as `synergies functions` lists them."""
    return sorted(functions, key=lambda f: (-ORDER[f.stage_today], f.code))


def _body(values: dict[str, str]) -> dict[str, Any]:
    """The what-if request the API would get; an empty field takes the API's default."""
    move = {k: values[k] for k in MOVE_FIELDS if values[k]}
    body: dict[str, Any] = {"moves": [move]}
    body.update({k: values[k] for k in FORECAST_FIELDS if values[k]})
    return body


def _refusal(error: InvalidInput | NotFound | Conflict) -> FieldError:
    """The refusal beside its field, with the API's status for it."""
    name = error.field if error.field in LABELS else None
    status = next(code for kind, code in STATUSES.items() if isinstance(error, kind))
    return FieldError(name, error.message, error.fix or FIXES.get(name or "", ""), status)


def _run(viewer: Viewer, form: WhatIfForm) -> WhatIfForm:
    try:
        body = parsed(WhatIfIn, _body(form.values))
        outcome = what_if(
            viewer.ctx, [m.to_domain() for m in body.moves], target_year=body.target_year,
            as_of=body.as_of, trials=body.trials, seed=body.seed, rho=body.rho,
        )  # fmt: skip
    except (InvalidInput, NotFound, Conflict) as error:
        form.error = _refusal(error)
        return form
    form.result = WhatIfOut.of(outcome)
    return form


def _timeline(functions: list[FunctionOut], names: dict[str, str], today: date) -> dict[str, Any]:
    """What the Gantt draws: the API's functions, their executives' names, today."""
    return {
        "today": today.isoformat(),
        "functions": [f.model_dump(mode="json") for f in functions],
        "executives": names,
    }


@router.get("/web/convergence")
def convergence(
    request: Request, viewer: ViewerDep, function: Text = None, start: Text = None,
    saving_percent: Text = None, cost_base: Text = None, ramp_months: Text = None,
    stage: Text = None, target_year: Text = None, as_of: Text = None,
) -> HTMLResponse:  # fmt: skip
    """The functions' convergence timeline, those under study, and the what-if form."""
    ctx = viewer.ctx
    today = ctx.clock().date()
    functions = _ordered([FunctionOut.of(f, today) for f in structure.functions(ctx).values()])
    people = structure.org(ctx).people
    names = {f.executive: people[f.executive].name for f in functions if f.executive in people}
    studied = [f for f in functions if f.stage_today is ConvergenceStage.under_study]
    given = {
        "function": function, "start": start, "saving_percent": saving_percent,
        "cost_base": cost_base, "ramp_months": ramp_months, "stage": stage,
        "target_year": target_year, "as_of": as_of,
    }  # fmt: skip
    asked = function is not None
    first = studied[0].code if studied else (functions[0].code if functions else "")
    defaults = {**DEFAULTS, "function": first}
    values = {
        k: (v.strip() if v is not None else ("" if asked else defaults[k]))
        for k, v in given.items()
    }
    form = WhatIfForm(values, asked)
    if asked:
        form = _run(viewer, form)
    return render(
        request, "convergence.html", viewer, status=form.error.status if form.error else 200,
        title="Convergence", functions=functions, executives=names, studied=studied,
        timeline=_timeline(functions, names, today), today=today, form=form, labels=LABELS,
        stages=list(Stage),
        trials=WhatIfIn.model_fields["trials"].default, seed=WhatIfIn.model_fields["seed"].default,
        json_links=(("Functions", "/functions"), ("Forecast", "/forecast")),
    )  # fmt: skip
