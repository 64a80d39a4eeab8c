"""`synergies serve` computes the default overview as it starts: the first reader does not
wait for the report and the 100,000-trial forecast."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import app_from_environment
from synergies.services import forecasts
from synergies.services.context import Context
from synergies.services.example import add_demo_accounts
from synergies.services.security import local_operator
from synergies.storage import engine
from synergies.storage.store import Store


def test_the_first_overview_after_start_up_runs_no_trials(
    example_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = next(a for a in add_demo_accounts(Context(Store.open(example_url), local_operator()))
                   if a.name == "vic.viewer")  # fmt: skip
    monkeypatch.setenv(engine.ENV_VAR, example_url)
    app = app_from_environment()
    app.state.warming.join(timeout=120)
    assert not app.state.warming.is_alive()

    def no_more_trials(*_: object, **__: object) -> None:
        raise AssertionError("the overview ran the forecast again")

    monkeypatch.setattr(forecasts, "forecast", no_more_trials)
    with TestClient(app, headers={"Origin": "http://testserver"}) as web:
        signed_in = web.post("/web/login", data={"name": account.name, "password": account.password},
                             follow_redirects=False)  # fmt: skip
        assert signed_in.status_code == 303
        page = web.get("/")
    assert page.status_code == 200 and 'id="probability"' in page.text
