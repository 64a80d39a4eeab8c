"""The application factory: one app per store, no globals."""

from __future__ import annotations

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


def create_app(store: Store) -> FastAPI:
    """The REST API over `store`."""
    app = FastAPI(title="synergies", version="1", description=DESCRIPTION)
    app.state.store = store
    problems.install(app)
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: the store named by $SYNERGIES_DB."""
    return create_app(Store.open(None))
