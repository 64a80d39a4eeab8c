"""Token lifetime: capped, never longer than the token that asks, all visible to an admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from synergies.domain.accounts import MAX_TOKEN_LIFE
from synergies.domain.errors import InvalidInput
from synergies.services import accounts
from synergies.services.context import Context
from synergies.storage import tables as t
from synergies.storage.store import Store
from tests.api.conftest import ACCOUNTS, PASSWORD, bearer, token_for

VIEWER = ACCOUNTS["nissan_viewer"].name
SAME_ORIGIN = {"Origin": "http://testserver"}


def test_a_session_cannot_mint_a_token_beyond_the_cap(client: TestClient) -> None:
    client.post("/auth/login", json={"name": VIEWER, "password": PASSWORD})
    got = client.post("/auth/tokens", json={"expires_in": "366d"}, headers=SAME_ORIGIN)
    assert got.status_code == 422 and "expires_in" in got.text
    ok = client.post("/auth/tokens", json={"expires_in": "90d"}, headers=SAME_ORIGIN)
    assert ok.status_code == 201


def test_a_token_cannot_mint_one_that_outlives_it(client: TestClient, api_store: Store) -> None:
    short = bearer(token_for(api_store, "nissan_viewer", timedelta(hours=2)))
    parent = client.get("/auth/tokens", headers=short).json()[-1]["expires_at"]
    got = client.post("/auth/tokens", json={"expires_in": "30d"}, headers=short)
    assert got.status_code == 201
    assert datetime.fromisoformat(got.json()["token"]["expires_at"]) <= datetime.fromisoformat(
        parent
    )
    hour = client.post("/auth/tokens", json={"expires_in": "1h"}, headers=short).json()
    assert datetime.fromisoformat(hour["token"]["expires_at"]) < datetime.fromisoformat(parent)


def test_the_service_caps_every_token(admin_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="at most 90 days"):
        accounts.create_token(admin_ctx, VIEWER, MAX_TOKEN_LIFE + timedelta(minutes=1))


def test_an_old_year_long_token_ends_at_the_cap(
    client: TestClient, api_store: Store, admin_ctx: Context
) -> None:
    made = datetime.now(UTC) - MAX_TOKEN_LIFE - timedelta(days=1)
    issued = accounts.create_token(Context(api_store, admin_ctx.actor, clock=lambda: made),
                                   VIEWER, timedelta(days=30))  # fmt: skip
    with api_store.transaction() as conn:  # as a store of the last release could hold
        conn.execute(update(t.api_tokens).where(t.api_tokens.c.id == issued.token.id)
                     .values(expires_at=made + timedelta(days=366)))  # fmt: skip
    assert client.get("/auth/me", headers=bearer(issued.secret)).status_code == 401


def test_an_admin_sees_every_token(
    client: TestClient, api_store: Store, as_role: dict[str, dict[str, str]]
) -> None:
    everyone = client.get("/auth/tokens?all=true", headers=as_role["admin"])
    assert everyone.status_code == 200
    owners = {tok["user"] for tok in everyone.json()}
    assert {a.name for a in ACCOUNTS.values()} <= owners
    refused = client.get("/auth/tokens?all=true", headers=as_role["nissan_viewer"])
    assert refused.status_code == 403
    theirs = client.get(f"/auth/tokens?user={VIEWER}", headers=as_role["admin"]).json()
    assert {tok["user"] for tok in theirs} == {VIEWER}
    victim = theirs[0]["id"]
    assert client.delete(f"/auth/tokens/{victim}", headers=as_role["admin"]).status_code == 200
