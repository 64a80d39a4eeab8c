"""Logins, sessions and tokens: expiring, revocable, throttled, never stored in clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from synergies.domain.accounts import LOCK_TIME, MAX_FAILURES, LockedOut, Role
from synergies.domain.errors import InvalidInput, PermissionDenied
from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage import tables as t
from synergies.storage.store import Store
from tests.api.conftest import ACCOUNTS, PASSWORD, bearer

VIEWER = ACCOUNTS["nissan_viewer"].name


def _login(client: TestClient, password: str = PASSWORD) -> int:
    return client.post("/auth/login", json={"name": VIEWER, "password": password}).status_code


def test_login_gives_an_httponly_session_cookie(client: TestClient) -> None:
    got = client.post("/auth/login", json={"name": VIEWER, "password": PASSWORD})
    assert got.status_code == 200 and got.json()["user"]["role"] == "viewer"
    cookie = got.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/auth/me").json()["name"] == VIEWER
    # A browser names the page's origin on every write; the cookie alone is not enough.
    assert client.post("/auth/logout").status_code == 403
    assert client.post("/auth/logout", headers={"Origin": "http://testserver"}).status_code == 204
    assert client.get("/auth/me").status_code == 401


def test_repeated_failures_lock_the_account(client: TestClient, api_store: Store) -> None:
    for _ in range(MAX_FAILURES):
        assert _login(client, "wrong password!") == 401
    assert _login(client) == 429  # even the right password waits
    later = datetime.now(UTC) + LOCK_TIME + timedelta(seconds=1)
    account, _ = accounts.login(api_store, VIEWER, PASSWORD, clock=lambda: later)
    assert account.name == VIEWER


def test_the_lock_holds_in_another_process(api_store: Store) -> None:
    """Attempts live in the store, so a second server (a fresh Store) sees them."""
    for _ in range(MAX_FAILURES):
        with pytest.raises(Exception, match="wrong user name or password"):
            accounts.login(api_store, VIEWER, "wrong password!")
    other = Store.open(api_store.engine.url.render_as_string(hide_password=False))
    with pytest.raises(LockedOut):
        accounts.login(other, VIEWER, PASSWORD)
    other.engine.dispose()


def test_an_unknown_name_fails_like_a_wrong_password(client: TestClient) -> None:
    got = client.post("/auth/login", json={"name": "nobody", "password": PASSWORD})
    assert got.status_code == 401 and got.json()["detail"] == "wrong user name or password"


def test_an_expired_token_is_refused(
    client: TestClient, api_store: Store, admin_ctx: Context
) -> None:
    a_month_ago = datetime.now(UTC) - timedelta(days=31)
    past = Context(api_store, admin_ctx.actor, clock=lambda: a_month_ago)
    issued = accounts.create_token(past, VIEWER, timedelta(days=30))
    got = client.get("/partners", headers=bearer(issued.secret))
    assert got.status_code == 401 and "expired" in got.json()["detail"]


def test_a_revoked_token_is_refused_at_once(client: TestClient, admin_ctx: Context) -> None:
    issued = accounts.create_token(admin_ctx, VIEWER, timedelta(days=30))
    headers = bearer(issued.secret)
    assert client.get("/partners", headers=headers).status_code == 200
    done = client.delete(f"/auth/tokens/{issued.token.id}", headers=headers)
    assert done.status_code == 200 and done.json()["revoked_at"]
    got = client.get("/partners", headers=headers)
    assert got.status_code == 401 and "revoked" in got.json()["detail"]


def test_one_may_not_revoke_another_users_token(client: TestClient, admin_ctx: Context,
                                                as_role: dict) -> None:  # fmt: skip
    issued = accounts.create_token(admin_ctx, ACCOUNTS["admin"].name, timedelta(days=1))
    got = client.delete(f"/auth/tokens/{issued.token.id}", headers=as_role["nissan_viewer"])
    assert got.status_code == 403


def test_secrets_never_reach_the_store_or_the_trail(
    client: TestClient, api_store: Store, admin_ctx: Context
) -> None:
    issued = accounts.create_token(admin_ctx, VIEWER, timedelta(days=1))
    client.post("/auth/login", json={"name": VIEWER, "password": PASSWORD})
    with api_store.reading() as conn:
        trail = " ".join(f"{r.before} {r.after}" for r in conn.execute(select(t.audit_log)))
        hashes = list(conn.execute(select(t.users.c.password_hash)).scalars())
        stored = list(conn.execute(select(t.api_tokens.c.secret_hash)).scalars())
    assert issued.secret not in trail and PASSWORD not in trail
    assert not any(h in trail for h in hashes) and not any(h in trail for h in stored)
    assert all(h.startswith("$argon2") for h in hashes)
    assert issued.secret not in stored
    assert f'"user": "{VIEWER}"' in trail  # the token change itself is in the trail


def test_roles_need_their_partner_and_functions(admin_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="belongs to a partner"):
        accounts.add_user(admin_ctx, "no.partner", Role.controller, PASSWORD)
    with pytest.raises(InvalidInput, match="leads at least one"):
        accounts.add_user(admin_ctx, "no.fn", Role.function_lead, PASSWORD, partner="RENAULT")
    with pytest.raises(InvalidInput, match="characters"):
        accounts.add_user(admin_ctx, "short", Role.viewer, "short", partner="NISSAN")


def test_only_an_admin_manages_accounts(api_store: Store) -> None:
    viewer = accounts.actor_of(accounts.user(Context(api_store, local_operator()), VIEWER))
    with pytest.raises(PermissionDenied):
        accounts.add_user(Context(api_store, viewer), "x.y", Role.admin, PASSWORD)
