"""Adding the dashboard to the API's application: its pages, its files, its error pages."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from synergies.domain.accounts import Role
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.storage.store import Store
from synergies.web import errors
from synergies.web.pages import (
    admin,
    agreements,
    alerts,
    auth,
    convergence,
    forecast_quality,
    initiatives,
    ledger,
    organisation,
    overview,
    ownership,
)

ASSETS = Path(__file__).parent / "static"
WARM_UP_ACTOR = "(server start-up)"  # reads only: a viewer's rights
ASSETS_PATH = "/assets"
PAGES = (
    auth.router, overview.router, convergence.router, organisation.router, ownership.router,
    initiatives.router, ledger.router, agreements.router, admin.router, alerts.router,
    forecast_quality.router,
)  # fmt: skip


def install(app: FastAPI) -> None:
    """The pages at `/` and under `/web/`, their files under `/assets/` (shipped in the
    package: nothing is fetched from elsewhere), and HTML error pages for page requests."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="assets")
    for router in PAGES:
        app.include_router(router)
    errors.install(app)


def warm_up(store: Store) -> threading.Thread:
    """Compute the default overview in the background as the server starts; a failure only
    means the first reader computes it (and is logged)."""

    def run() -> None:
        try:
            overview.warm(Context(store, Actor(WARM_UP_ACTOR, Role.viewer)))
        except Exception:
            logging.getLogger("synergies.web").exception("warming the overview failed")

    thread = threading.Thread(target=run, name="synergies-warm-up", daemon=True)
    thread.start()
    return thread
