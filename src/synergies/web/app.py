"""Adding the dashboard to the API's application: its pages, its files, its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from synergies.web import errors
from synergies.web.pages import (
    admin,
    agreements,
    auth,
    convergence,
    initiatives,
    ledger,
    organisation,
    overview,
    ownership,
)

ASSETS = Path(__file__).parent / "static"
ASSETS_PATH = "/assets"
PAGES = (
    auth.router, overview.router, convergence.router, organisation.router, ownership.router,
    initiatives.router, ledger.router, agreements.router, admin.router,
)  # fmt: skip


def install(app: FastAPI) -> None:
    """The pages at `/` and under `/web/`, their files under `/assets/` (shipped in the
    package: nothing is fetched from elsewhere), and HTML error pages for page requests."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="assets")
    for router in PAGES:
        app.include_router(router)
    errors.install(app)
