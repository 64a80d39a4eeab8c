"""Rendering a page: one Jinja2 environment, the layout's shared context, HTML answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel

from synergies.serialize import jsonable
from synergies.services import structure
from synergies.services.security import Action
from synergies.web.format import FILTERS
from synergies.web.session import CSRF_FIELD, Viewer


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    needs: Action = Action.read


NAV = (
    NavItem("Overview", "/"),
    NavItem("Forecast quality", "/web/forecast-quality"),
    NavItem("Convergence", "/web/convergence"),
    NavItem("Organisation", "/web/organisation"),
    NavItem("Ownership", "/web/ownership"),
    NavItem("Initiatives", "/web/initiatives"),
    NavItem("Ledger", "/web/ledger"),
    NavItem("Measurements", "/web/measurements"),
    NavItem("Agreements", "/web/agreements"),
    NavItem("Alerts", "/web/alerts"),
    NavItem("Administration", "/web/admin", Action.manage_users),
)


def chart_data(value: object) -> Markup:
    """A page's figures as JSON inside `<script type="application/json">` (not executed, so
    the CSP allows it); `<` is escaped so no value can close the element."""
    document = value.model_dump(mode="json") if isinstance(value, BaseModel) else jsonable(value)
    text = json.dumps(document, separators=(",", ":")).replace("<", "\\u003c")
    return Markup(text)  # noqa: S704 - escaped above: the JSON cannot leave its element


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("synergies.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters["chart_data"] = chart_data
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return env


ENVIRONMENT = _environment()


def _nav(viewer: Viewer | None) -> list[NavItem]:
    if viewer is None:
        return []
    return [item for item in NAV if viewer.may(item.needs)]


def _alliance(viewer: Viewer | None) -> str:
    return (structure.alliance_name(viewer.ctx) if viewer else None) or "synergies"


def render(
    request: Request, template: str, viewer: Viewer | None, *, status: int = 200,
    title: str, json_links: tuple[tuple[str, str], ...] = (), **context: Any,
) -> HTMLResponse:  # fmt: skip
    """The page `template` in the layout, for `viewer` (None on the login and error pages).

    `json_links` name the API routes that give the page's figures as JSON."""
    page = ENVIRONMENT.get_template(template).render(
        request=request, viewer=viewer, title=title, nav=_nav(viewer),
        current=request.url.path, alliance=_alliance(viewer), json_links=json_links, **context,
    )  # fmt: skip
    return HTMLResponse(page, status)
