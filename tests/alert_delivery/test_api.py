"""`/alerts/subscriptions`: each signed-in user's own subscriptions; webhooks are an admin's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.domain.errors import PermissionDenied
from synergies.services import accounts
from synergies.services import alert_delivery as delivery
from synergies.services.context import Context
from synergies.storage.store import Store
from tests.alert_delivery.conftest import USERS, as_user


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as test_client:
        yield test_client


def _headers(admin: Context, role: str) -> dict[str, str]:
    secret = accounts.create_token(admin, USERS[role][0], timedelta(hours=1)).secret
    return {"Authorization": f"Bearer {secret}"}


def test_a_viewer_subscribes_lists_and_unsubscribes(client: TestClient, admin: Context) -> None:
    viewer = _headers(admin, "viewer")
    body = {"email": "nobu@nissan.example", "rules": ["behind ramp", "gate overdue"],
            "functions": ["purchasing"]}  # fmt: skip
    made = client.post("/alerts/subscriptions", json=body, headers=viewer)
    assert made.status_code == 201, made.text
    assert made.json() | {"created_at": None, "id": None} == {
        "id": None, "user": "nobu.viewer", "email": "nobu@nissan.example",
        "rules": ["behind ramp", "gate overdue"], "functions": ["purchasing"], "created_at": None,
    }  # fmt: skip
    delivery.subscribe(admin, "clara@alliance.example", user=USERS["clean_team"][0])

    mine = client.get("/alerts/subscriptions", headers=viewer).json()
    assert [s["email"] for s in mine] == ["nobu@nissan.example"]  # not the clean team's
    again = client.post("/alerts/subscriptions", json=body, headers=viewer)
    assert again.status_code == 409
    gone = client.delete(f"/alerts/subscriptions/{made.json()['id']}", headers=viewer)
    assert gone.status_code == 204
    assert client.get("/alerts/subscriptions", headers=viewer).json() == []


def test_nobody_ends_another_users_subscription_but_an_admin(
    client: TestClient, admin: Context
) -> None:
    theirs = delivery.subscribe(admin, "clara@alliance.example", user=USERS["clean_team"][0])
    url = f"/alerts/subscriptions/{theirs.id}"
    assert client.delete(url, headers=_headers(admin, "viewer")).status_code == 403
    assert client.delete(url, headers=_headers(admin, "renault_controller")).status_code == 403
    assert client.delete(url, headers=_headers(admin, "admin")).status_code == 204
    assert client.delete(url, headers=_headers(admin, "admin")).status_code == 404


def test_anonymous_calls_are_refused(client: TestClient) -> None:
    assert client.get("/alerts/subscriptions").status_code == 401
    body = {"email": "x@example.com"}
    assert client.post("/alerts/subscriptions", json=body).status_code == 401
    assert client.delete("/alerts/subscriptions/1").status_code == 401


def test_bad_bodies_are_refused_with_the_field(client: TestClient, admin: Context) -> None:
    viewer = _headers(admin, "viewer")
    bad_email = client.post("/alerts/subscriptions", json={"email": "nobu"}, headers=viewer)
    assert bad_email.status_code == 422
    bad_rule = client.post(
        "/alerts/subscriptions", json={"email": "n@x.example", "rules": ["lunch"]}, headers=viewer
    )
    assert bad_rule.status_code == 422
    unknown = client.post(
        "/alerts/subscriptions", json={"email": "n@x.example", "functions": ["catering"]},
        headers=viewer,
    )  # fmt: skip
    assert unknown.status_code == 404


def test_a_viewer_cannot_manage_webhooks(store: Store) -> None:
    for role in ("viewer", "renault_controller", "clean_team"):
        ctx = as_user(store, role)
        with pytest.raises(PermissionDenied):
            delivery.add_webhook(ctx, "https://hooks.example/x")
        with pytest.raises(PermissionDenied):
            delivery.webhooks(ctx)


def test_a_user_subscribes_only_themselves(store: Store) -> None:
    viewer = as_user(store, "viewer")
    made = delivery.subscribe(viewer, "nobu@nissan.example")
    assert made.user == "nobu.viewer"
    with pytest.raises(PermissionDenied):
        delivery.subscribe(viewer, "x@example.com", user=USERS["admin"][0])
    with pytest.raises(PermissionDenied):
        delivery.subscriptions(viewer)  # everyone's
    assert [s.id for s in delivery.subscriptions(viewer, "NOBU.VIEWER")] == [made.id]
