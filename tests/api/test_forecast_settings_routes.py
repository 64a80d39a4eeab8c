"""`/forecast/settings`: the recorded uncertainty settings, listed, reset and named."""

from __future__ import annotations

from fastapi.testclient import TestClient

from synergies.services.backtest import apply_fit
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.api.conftest import bearer, token_for
from tests.forecast_backtest.test_settings import fitted_outcome


def test_the_api_lists_the_versions_and_resets(client: TestClient, api_store: Store) -> None:
    admin = bearer(token_for(api_store, "admin"))
    viewer = bearer(token_for(api_store, "nissan_viewer"))
    apply_fit(Context(api_store, local_operator()), fitted_outcome(told_half=True))
    listed = client.get("/forecast/settings", headers=viewer).json()
    assert listed["in_force"]["version"] == 1 and len(listed["versions"]) == 1
    assert client.post("/forecast/settings/defaults", json={}, headers=viewer).status_code == 403
    reset = client.post("/forecast/settings/defaults", json={"note": "board"}, headers=admin)
    assert reset.status_code == 201 and reset.json()["version"] == 2
    forecast = client.get("/forecast?as_of=2015&trials=500", headers=viewer).json()
    assert forecast["uncertainty"]["version"] == 2
    # The example's fit (widened around the median) beats the defaults and is recorded;
    # the same fit again changes nothing, so it is refused.
    applied = client.post("/forecast/settings", json={"trials": 100}, headers=admin)
    assert applied.status_code == 201, applied.json()
    refused = client.post("/forecast/settings", json={"trials": 100}, headers=admin)
    assert refused.status_code == 409 and "already in force" in refused.json()["detail"]
