"""The application factory: one app per store, no globals."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

from synergies.api import problems
from synergies.api.routes import (
    agreements,
    audit,
    auth,
    functions,
    initiatives,
    ledger,
    measurements,
    org,
    ownership,
    partners,
    reports,
    targets,
    users,
)
from synergies.storage.store import Store

SOURCES_VAR = "SYNERGIES_SOURCES"

ROUTERS = (
    auth.router, users.router, partners.router, ownership.router, agreements.router,
    functions.router, org.router, initiatives.router, targets.router, ledger.router,
    reports.router, measurements.router, audit.router,
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


def create_app(store: Store, sources: Path | None = None) -> FastAPI:
    """The REST API over `store`; measurement sources are read only from `sources`."""
    app = FastAPI(title="synergies", version="1", description=DESCRIPTION)
    app.state.store = store
    app.state.sources = sources
    problems.install(app)
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: the store named by $SYNERGIES_DB, sources in $SYNERGIES_SOURCES."""
    sources = os.environ.get(SOURCES_VAR)
    return create_app(Store.open(None), Path(sources) if sources else None)
