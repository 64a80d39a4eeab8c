"""The application factory: one app per store, no globals."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from synergies.api import problems
from synergies.api.hardening import Hardening
from synergies.api.routes import (
    agreements,
    alert_subscriptions,
    alerts,
    audit,
    auth,
    boardpack,
    exports,
    forecast,
    forecast_backtest,
    functions,
    imports,
    initiatives,
    ledger,
    measurements,
    org,
    ownership,
    partners,
    plans,
    reports,
    targets,
    users,
)
from synergies.storage.store import Store
from synergies.web import app as web

SOURCES_VAR = "SYNERGIES_SOURCES"

ROUTERS = (
    auth.router, users.router, partners.router, ownership.router, agreements.router,
    functions.router, org.router, initiatives.router, targets.router, ledger.router,
    reports.router, measurements.router, audit.router, forecast.router, forecast_backtest.router,
    plans.router,
    imports.router, exports.router, boardpack.router,
    alert_subscriptions.router, alerts.router,
)  # fmt: skip

DESCRIPTION = """Plan, prove and forecast the synergies of a corporate alliance.

Authenticate with `Authorization: Bearer TOKEN` (see `synergies token create`) or with the
session cookie set by `POST /auth/login`. Errors are `application/problem+json` (RFC 9457).
Changes to an initiative take `If-Match: "VERSION"` (the ETag of GET); a stale version is
refused with 409 and changes nothing."""


class Health(BaseModel):
    status: str


def health() -> Health:
    """Is the server up."""
    return Health(status="ok")


STATIC = Path(__file__).parent / "static"
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>synergies API</title>
<link rel="icon" href="/static/vendor/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>
"""


def docs() -> HTMLResponse:
    """Interactive API documentation, from files the package ships (works offline)."""
    return HTMLResponse(DOCS_PAGE)


def create_app(store: Store, sources: Path | None = None) -> FastAPI:
    """The REST API over `store` and the web dashboard beside it (at `/`); measurement
    sources are read only from `sources`."""
    app = FastAPI(
        title="synergies", version="1", description=DESCRIPTION, docs_url=None,
        redoc_url=None, redirect_slashes=False,  # a redirect would echo the Host header
    )  # fmt: skip
    app.state.store = store
    app.state.sources = sources
    problems.install(app)
    app.add_middleware(Hardening)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)
    for router in ROUTERS:
        app.include_router(router)
    web.install(app)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: the store named by $SYNERGIES_DB, sources in $SYNERGIES_SOURCES."""
    sources = os.environ.get(SOURCES_VAR)
    store = Store.open(None)
    app = create_app(store, Path(sources) if sources else None)
    app.state.warming = web.warm_up(store)
    return app
