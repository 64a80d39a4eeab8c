"""The forecast-quality page: the backtest's own figures, laid out for a signed-in reader."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.domain.accounts import Role
from synergies.services.accounts import add_user
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    store = Store.open(db)
    add_user(
        Context(store, local_operator()),
        "vera.viewer",
        Role.viewer,
        "a long password 1",
        partner="NISSAN",
    )
    with TestClient(create_app(store)) as http:
        signed = http.post("/auth/login", json={"name": "vera.viewer",
                                                 "password": "a long password 1"})  # fmt: skip
        assert signed.status_code < 400, signed.text
        yield http


def test_the_page_shows_the_fan_the_pit_histogram_and_each_score(client: TestClient) -> None:
    page = client.get("/web/forecast-quality?horizon=1")
    assert page.status_code == 200, page.text
    html = page.text
    assert 'data-kind="backtestFan"' in html and 'data-kind="backtestPit"' in html
    assert "forecast_quality.js" in html and "Forecast quality" in html
    assert "share of years realized inside the P10-P90 band (nominal 0.80)" in html
    assert html.count('<tr data-year="') == 8  # as of 2009 to 2016, one year ahead each
    api = client.get("/forecast/backtest").json()
    first = next(p for p in api["points"] if p["horizon"] == 1)
    assert f'<tr data-year="{first["year"]}">' in html
    assert '<span data-settings="0">the defaults (spread x1, slippage x1;' in html
    # The verdict at the top is the API's, word for word; the new skills are in the table.
    assert html.index('id="verdict"') < html.index('id="fan-title"')
    assert api["verdict"]["text"].replace("'", "&#39;") in html
    assert api["verdict"]["text"].startswith(
        f"The 80% band (P10-P90) held {api['verdict']['held']} of 8 years one year ahead"
    )
    for name in ("skill vs trend, t", "skill vs log-growth, t", "skill vs ensemble"):
        assert name in html
    top = api["initiatives"]["records"][0]["initiative"]
    assert 'id="initiative-scores"' in html and f'<tr data-initiative="{top}">' in html


def test_a_horizon_out_of_range_is_refused(client: TestClient) -> None:
    assert client.get("/web/forecast-quality?horizon=4").status_code == 422
