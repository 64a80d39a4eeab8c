"""What every request passes and every answer carries: CSRF, body limits, headers, 500s."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from synergies.api.hardening import MAX_BODY
from synergies.services import reports
from tests.api.conftest import ACCOUNTS, PASSWORD

PROBLEM = "application/problem+json"
OWN_ORIGIN = "http://testserver"


def _login(client: TestClient) -> None:
    got = client.post("/auth/login", json={"name": ACCOUNTS["admin"].name, "password": PASSWORD})
    assert got.status_code == 200 and "synergies_session" in client.cookies


def _token_count(client: TestClient) -> int:
    return len(client.get("/auth/tokens").json())


def _mint(client: TestClient, **headers: str) -> int:
    return client.post("/auth/tokens", json={"label": "csrf"}, headers=headers).status_code


def test_a_cookie_write_from_another_site_is_refused_and_writes_nothing(
    client: TestClient,
) -> None:
    _login(client)
    before = _token_count(client)
    got = client.post(
        "/auth/tokens", json={"label": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert got.status_code == 403 and got.headers["content-type"] == PROBLEM
    assert got.json()["field"] == "Origin"
    assert _mint(client) == 403  # no Origin, no Sec-Fetch-Site: cannot tell it is ours
    assert _token_count(client) == before


def test_a_cookie_write_from_the_own_site_passes(client: TestClient) -> None:
    _login(client)
    before = _token_count(client)
    assert _mint(client, Origin=OWN_ORIGIN) == 201
    assert _mint(client, **{"Sec-Fetch-Site": "same-origin"}) == 201
    assert _token_count(client) == before + 2


def test_a_text_plain_body_cannot_reach_a_route(client: TestClient) -> None:
    _login(client)
    got = client.post(
        "/auth/tokens", content=b'{"label": "x"}',
        headers={"Origin": OWN_ORIGIN, "Content-Type": "text/plain"},
    )  # fmt: skip
    assert got.status_code == 415 and got.json()["field"] == "Content-Type"


def test_a_bearer_write_needs_no_origin(client: TestClient, as_role: dict) -> None:
    got = client.post("/auth/tokens", json={"label": "script"}, headers=as_role["admin"])
    assert got.status_code == 201


def test_a_body_over_the_limit_is_refused_declared_or_streamed(
    client: TestClient, as_role: dict
) -> None:
    big = b'{"label": "' + b"x" * MAX_BODY + b'"}'
    declared = client.post(
        "/auth/tokens", content=big,
        headers={**as_role["admin"], "Content-Type": "application/json"},
    )  # fmt: skip
    assert declared.status_code == 413 and declared.headers["content-type"] == PROBLEM

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    streamed = client.post(
        "/auth/tokens", content=chunks(),
        headers={**as_role["admin"], "Content-Type": "application/json"},
    )  # fmt: skip
    assert streamed.status_code == 413 and streamed.json()["status"] == 413


def test_every_answer_carries_the_security_headers(client: TestClient, as_role: dict) -> None:
    minted = client.post("/auth/tokens", json={"label": "h"}, headers=as_role["admin"])
    refused = client.get("/initiatives")
    for answer in (minted, refused, client.get("/health"), client.get("/docs")):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert minted.headers["cache-control"] == "no-store"  # it holds the token's secret


def test_the_docs_load_nothing_from_outside(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "http://" not in page.text and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        assert client.get(f"/static/vendor/swagger-ui/{asset}").status_code == 200
    assert client.get("/static/docs.js").status_code == 200


def test_a_foreign_host_header_is_never_echoed(client: TestClient, as_role: dict) -> None:
    got = client.get("/ledger/", headers={**as_role["admin"], "Host": "evil.example"})
    assert got.status_code == 404
    assert "evil.example" not in got.text and "evil.example" not in str(got.headers)


def test_a_wrong_method_says_which_are_allowed(client: TestClient, as_role: dict) -> None:
    got = client.delete("/health", headers=as_role["admin"])
    assert got.status_code == 405 and "GET" in got.headers["allow"]


def test_an_unexpected_failure_is_a_problem_without_internals(
    client: TestClient, as_role: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("integer overflow in SUM over ledger_entries.amount")

    monkeypatch.setattr(reports, "synergy_report", broken)
    # As a real server does: answer, log, carry on (the test client would re-raise by default).
    with TestClient(client.app, raise_server_exceptions=False) as server:
        got = server.get("/reports/synergies", headers=as_role["nissan_viewer"])
    assert got.status_code == 500 and got.headers["content-type"] == PROBLEM
    assert "overflow" not in got.text and "ledger_entries" not in got.text
    assert "incident" in got.json()["detail"]


def test_each_request_leaves_one_access_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="synergies.access"):
        client.get("/health")
    lines = [r.getMessage() for r in caplog.records if r.name == "synergies.access"]
    assert len(lines) == 1 and lines[0].startswith("GET /health 200 ")
