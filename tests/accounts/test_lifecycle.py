"""The account lifecycle: change, reset, deactivate, activate, role change; all audited, the
last alliance admin protected, names unique whatever their case."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from synergies.domain.accounts import Role
from synergies.domain.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from synergies.services import accounts
from synergies.services.context import Context
from synergies.storage import tables as t
from synergies.storage.store import Store
from tests.api.conftest import ACCOUNTS, PASSWORD, bearer, token_for

VIEWER = ACCOUNTS["nissan_viewer"].name
ADMIN = ACCOUNTS["admin"].name
NEW = "a different passphrase 7"
SAME_ORIGIN = {"Origin": "http://testserver"}


def _login(client: TestClient, name: str = VIEWER, password: str = PASSWORD) -> int:
    client.cookies.clear()  # a stale session cookie would make the login a cookie write
    return int(client.post("/auth/login", json={"name": name, "password": password}).status_code)


def _actions(store: Store) -> list[str]:
    with store.reading() as conn:
        return list(conn.execute(select(t.audit_log.c.action)).scalars())


def test_one_changes_ones_own_password_with_the_current_one(
    client: TestClient, api_store: Store
) -> None:
    other_session = TestClient(client.app)
    assert _login(other_session) == 200
    assert _login(client) == 200
    wrong = {"current_password": "not my password", "new_password": NEW}
    got = client.post("/auth/password", json=wrong, headers=SAME_ORIGIN)
    assert got.status_code == 403 and "current_password" in got.text
    weak = {"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"}
    assert client.post("/auth/password", json=weak, headers=SAME_ORIGIN).status_code == 422
    body = {"current_password": PASSWORD, "new_password": NEW}
    assert client.post("/auth/password", json=body, headers=SAME_ORIGIN).status_code == 200
    assert client.get("/auth/me").status_code == 200  # this session goes on
    assert other_session.get("/auth/me").status_code == 401  # the others end
    assert _login(TestClient(client.app)) == 401
    assert _login(TestClient(client.app), password=NEW) == 200
    assert "user.password" in _actions(api_store)


def test_an_admin_resets_a_password_and_ends_the_users_sessions(
    client: TestClient, as_role: dict[str, dict[str, str]], api_store: Store
) -> None:
    assert _login(client) == 200
    got = client.post(f"/users/{VIEWER}/password", json={"password": NEW},
                      headers=as_role["admin"])  # fmt: skip
    assert got.status_code == 200
    assert client.get("/auth/me").status_code == 401
    assert _login(client) == 401 and _login(client, password=NEW) == 200
    assert "user.reset-password" in _actions(api_store)
    refused = client.post(f"/users/{ADMIN}/password", json={"password": NEW},
                          headers=as_role["nissan_viewer"])  # fmt: skip
    assert refused.status_code == 403


def test_a_deactivated_user_cannot_log_in_nor_use_a_token(
    client: TestClient, as_role: dict[str, dict[str, str]], api_store: Store
) -> None:
    token = bearer(token_for(api_store, "nissan_viewer"))
    assert client.get("/auth/me", headers=token).status_code == 200
    got = client.post(f"/users/{VIEWER}/deactivate", headers=as_role["admin"])
    assert got.status_code == 200 and got.json()["active"] is False
    assert client.get("/auth/me", headers=token).status_code == 401
    assert _login(client) == 401
    with api_store.reading() as conn:
        live = conn.execute(
            select(t.api_tokens.c.id).where(
                t.api_tokens.c.user == VIEWER, t.api_tokens.c.revoked_at.is_(None)
            )
        ).all()
    assert live == []  # revoked, not only refused
    assert client.post(f"/users/{VIEWER}/activate", headers=as_role["admin"]).status_code == 200
    assert _login(client) == 200
    assert client.get("/auth/me", headers=token).status_code == 401  # old tokens stay revoked
    assert {"user.deactivate", "user.activate"} <= set(_actions(api_store))


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(admin_ctx: Context) -> None:
    with pytest.raises(Conflict, match="last active alliance admin"):
        accounts.deactivate(admin_ctx, ADMIN)
    with pytest.raises(Conflict, match="last active alliance admin"):
        accounts.set_role(admin_ctx, ADMIN, Role.viewer, partner="NISSAN")
    accounts.add_user(admin_ctx, "second.admin", Role.admin, PASSWORD)
    accounts.set_role(admin_ctx, ADMIN, Role.viewer, partner="NISSAN")
    with pytest.raises(Conflict, match="last active alliance admin"):
        accounts.deactivate(admin_ctx, "second.admin")


def test_a_role_change_takes_effect_at_once_and_is_checked(
    client: TestClient, as_role: dict[str, dict[str, str]], api_store: Store
) -> None:
    token = bearer(token_for(api_store, "nissan_viewer"))
    bad = client.put(f"/users/{VIEWER}/role", json={"role": "partner controller"},
                     headers=as_role["admin"])  # fmt: skip
    assert bad.status_code == 422 and "partner" in bad.text
    body = {"role": "partner controller", "partner": "NISSAN"}
    got = client.put(f"/users/{VIEWER}/role", json=body, headers=as_role["admin"])
    assert got.status_code == 200
    assert client.get("/auth/me", headers=token).json()["role"] == "partner controller"
    assert "user.set-role" in _actions(api_store)


def test_names_are_unique_whatever_their_case(client: TestClient, admin_ctx: Context) -> None:
    with pytest.raises(Conflict, match="names ignore case"):
        accounts.add_user(admin_ctx, "ADA.ADMIN", Role.admin, PASSWORD)
    assert _login(client, VIEWER.upper()) == 200
    assert client.get("/auth/me").json()["name"] == VIEWER


@pytest.mark.parametrize("name", ["ev\u202eil.admin", "zero\u200bwidth", "c1\u0085char"])
def test_names_with_invisible_characters_are_refused(admin_ctx: Context, name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        accounts.add_user(admin_ctx, name, Role.viewer, PASSWORD, partner="NISSAN")
    assert refused.value.field == "name"


def test_names_are_stored_in_one_normal_form(admin_ctx: Context) -> None:
    made = accounts.add_user(admin_ctx, "rene\u0301.c", Role.viewer, PASSWORD, partner="RENAULT")
    assert made.name == "ren\u00e9.c"
    with pytest.raises(Conflict):
        accounts.add_user(admin_ctx, "REN\u00c9.C", Role.viewer, PASSWORD, partner="RENAULT")


def test_a_wrong_current_password_counts_as_a_failed_login(admin_ctx: Context) -> None:
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            accounts.change_password(admin_ctx, VIEWER, "wrong password!", NEW)
    with pytest.raises(NotAuthenticated):
        accounts.change_password(admin_ctx, VIEWER, PASSWORD, NEW)


def test_a_reset_lifts_the_lock_of_a_forgotten_password(
    api_store: Store, admin_ctx: Context
) -> None:
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.login(api_store, VIEWER, "what was it again?")
    accounts.reset_password(admin_ctx, VIEWER, NEW)
    account, _ = accounts.login(api_store, VIEWER, NEW)
    assert account.name == VIEWER


def test_password_changes_leave_no_secret_in_the_trail(
    api_store: Store, admin_ctx: Context
) -> None:
    accounts.change_password(admin_ctx, VIEWER, PASSWORD, NEW)
    accounts.reset_password(admin_ctx, VIEWER, "yet another passphrase 3")
    with api_store.reading() as conn:
        trail = " ".join(f"{r.before} {r.after}" for r in conn.execute(select(t.audit_log)))
        hashed = conn.execute(select(t.users.c.password_hash)).scalars().all()
    assert NEW not in trail and "yet another passphrase" not in trail
    assert not any(h in trail for h in hashed)
