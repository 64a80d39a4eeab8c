"""Approval and dual sign-off by separate people (the partners' own controllers), and a
tamper-evident audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, update

from synergies.domain.accounts import Role
from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage import tables as t
from synergies.storage.store import Store
from tests.api.conftest import PASSWORD, bearer

TODAY = datetime.now(UTC).date().isoformat()
SIGN = {"partner": "RENAULT", "on": TODAY}
NISSAN_SIGN = {"partner": "NISSAN", "on": TODAY}
APPROVER = "alba.approver"


def _new_initiative(client: TestClient, headers: dict, owner: str = "D. Girard") -> str:
    body = {
        "id": "PUR-950", "name": "Tyres (illustrative)", "function": "purchasing",
        "owner": owner, "category": "cost reduction",
        "allocation": {"method": "fixed", "weights": {"RENAULT": 45, "NISSAN": 55}},
    }  # fmt: skip
    made = client.post("/initiatives", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return "/initiatives/PUR-950"


@pytest.fixture
def approver(api_store: Store) -> dict[str, str]:
    """An account the admin granted the approver role to, and its headers."""
    admin = Context(api_store, local_operator())
    accounts.add_user(admin, APPROVER, Role.approver, PASSWORD, partner="RENAULT")
    return bearer(accounts.create_token(admin, APPROVER, timedelta(days=1)).secret)


def _post(client: TestClient, url: str, body: object, headers: dict) -> None:
    done = client.request("PUT" if url.endswith("/figures") else "POST", url, json=body,
                          headers=headers)  # fmt: skip
    assert done.status_code == 200, done.text


def _to_l2(client: TestClient, url: str, lead: dict) -> None:
    _post(client, f"{url}/advance", {"to": "L1"}, lead)
    _post(client, f"{url}/figures", {"run_rate": "2000000", "start": "2016-04"}, lead)
    _post(client, f"{url}/advance", {"to": "L2"}, lead)


def _to_l4(client: TestClient, url: str, lead: dict, approver: dict) -> None:
    _to_l2(client, url, lead)
    _post(client, f"{url}/approval", {"body": "Alliance Board", "on": TODAY}, approver)
    _post(client, f"{url}/lock-plan", None, lead)
    _post(client, f"{url}/advance", {"to": "L3"}, lead)
    _post(client, f"{url}/advance", {"to": "L4"}, lead)


def test_an_alliance_admin_cannot_sign_for_either_partner(
    client: TestClient, as_role: dict, approver: dict
) -> None:
    url = _new_initiative(client, as_role["lead"])
    _to_l4(client, url, as_role["lead"], approver)
    for body in (SIGN, NISSAN_SIGN):
        got = client.post(f"{url}/sign-offs", json=body, headers=as_role["admin"])
        assert got.status_code == 403
    assert (
        client.post(f"{url}/advance", json={"to": "L5"}, headers=as_role["admin"]).status_code
        == 409
    )
    assert client.get(url, headers=as_role["admin"]).json()["signoffs"] == []


def test_the_owner_cannot_sign_off_as_controller(
    client: TestClient, as_role: dict, approver: dict
) -> None:
    url = _new_initiative(client, as_role["lead"], owner="rene.controller")
    _to_l4(client, url, as_role["lead"], approver)
    got = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["renault_controller"])
    assert got.status_code == 403 and got.json()["field"] == "initiative"


def test_each_partner_signs_by_its_own_controller(
    client: TestClient, as_role: dict, approver: dict
) -> None:
    url = _new_initiative(client, as_role["lead"])
    _to_l4(client, url, as_role["lead"], approver)
    foreign = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["nissan_controller"])
    assert foreign.status_code == 403 and foreign.json()["field"] == "partner"
    own = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["renault_controller"])
    assert own.status_code == 200
    assert own.json()["signoffs"] == [
        {"partner": "RENAULT", "controller": "rene.controller", "on": TODAY}
    ]
    both = client.post(f"{url}/sign-offs", json=NISSAN_SIGN, headers=as_role["nissan_controller"])
    assert sorted(s["partner"] for s in both.json()["signoffs"]) == ["NISSAN", "RENAULT"]
    done = client.post(f"{url}/advance", json={"to": "L5"}, headers=as_role["lead"])
    assert done.status_code == 200 and done.json()["stage"] == "L5"


def test_sign_offs_at_l0_or_absurd_dates_are_refused(
    client: TestClient, as_role: dict, approver: dict
) -> None:
    url = _new_initiative(client, as_role["lead"])
    early = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["renault_controller"])
    assert early.status_code == 409
    _to_l4(client, url, as_role["lead"], approver)
    for day in ("1900-01-01", "2199-12-31"):
        body = {"partner": "RENAULT", "on": day}
        got = client.post(f"{url}/sign-offs", json=body, headers=as_role["renault_controller"])
        assert got.status_code == 422 and got.json()["field"] == "on", got.text


def test_raised_figures_need_fresh_sign_offs(
    client: TestClient, as_role: dict, approver: dict
) -> None:
    url = _new_initiative(client, as_role["lead"])
    _to_l4(client, url, as_role["lead"], approver)
    _post(client, f"{url}/sign-offs", SIGN, as_role["renault_controller"])
    _post(client, f"{url}/sign-offs", NISSAN_SIGN, as_role["nissan_controller"])
    raised = {"run_rate": "99999999999999", "start": "2016-04"}
    _post(client, f"{url}/figures", raised, as_role["lead"])
    assert client.get(url, headers=as_role["lead"]).json()["signoffs"] == []
    refused = client.post(f"{url}/advance", json={"to": "L5"}, headers=as_role["lead"])
    assert refused.status_code == 409 and "sign-off" in refused.json()["detail"]


def test_a_lead_cannot_approve_their_own_initiative(client: TestClient, as_role: dict) -> None:
    url = _new_initiative(client, as_role["lead"])
    _to_l2(client, url, as_role["lead"])
    board = {"body": "Alliance Board", "on": TODAY}
    got = client.post(f"{url}/approval", json=board, headers=as_role["lead"])
    assert got.status_code == 403
    _post(client, f"{url}/lock-plan", None, as_role["lead"])
    stuck = client.post(f"{url}/advance", json={"to": "L3"}, headers=as_role["lead"])
    assert stuck.status_code == 409 and "approval" in stuck.json()["detail"]


def test_every_change_is_in_the_trail_with_who_did_it(client: TestClient, as_role: dict) -> None:
    _new_initiative(client, as_role["lead"])
    records = client.get("/audit?subject=initiative/PUR-950", headers=as_role["clean_team"])
    [created] = records.json()["items"]
    assert created["actor"] == "pierre.lead" and created["action"] == "initiative.create"
    assert created["before"] is None and '"PUR-950"' in created["after"]


def test_an_edited_record_is_detected(client: TestClient, as_role: dict, api_store: Store) -> None:
    viewer = as_role["nissan_viewer"]
    assert client.get("/audit/verify", headers=viewer).json()["intact"] is True
    with api_store.transaction() as conn:
        conn.execute(update(t.audit_log).where(t.audit_log.c.seq == 3).values(actor="mallory"))
    report = client.get("/audit/verify", headers=viewer).json()
    assert report["intact"] is False
    edited = {"seq": 3, "subject": "audit", "problem": "content does not match its hash (edited)"}
    assert edited in report["problems"]


def test_a_deleted_record_is_detected(client: TestClient, as_role: dict, api_store: Store) -> None:
    with api_store.transaction() as conn:
        conn.execute(delete(t.audit_log).where(t.audit_log.c.seq == 5))
    report = client.get("/audit/verify", headers=as_role["admin"]).json()
    assert report["intact"] is False
    assert any(p["seq"] == 5 and "missing" in p["problem"] for p in report["problems"])


def test_a_ledger_row_edited_in_the_store_is_reported(
    client: TestClient, as_role: dict, api_store: Store
) -> None:
    with api_store.transaction() as conn:
        first = conn.execute(select(func.min(t.ledger_entries.c.id))).scalar_one()
        conn.execute(
            update(t.ledger_entries).where(t.ledger_entries.c.id == first).values(amount=Decimal(1))
        )
    report = client.get("/audit/verify", headers=as_role["nissan_viewer"]).json()
    assert report["intact"] is False
    assert [p["subject"] for p in report["problems"]] == [f"ledger/{first}"]


def test_the_checkpoint_verifies_until_history_is_rewritten(
    client: TestClient, as_role: dict, api_store: Store
) -> None:
    viewer = as_role["nissan_viewer"]
    checkpoint = client.get("/audit/checkpoint", headers=viewer).json()
    assert checkpoint["kind"] == "synergies audit checkpoint" and len(checkpoint["mac"]) == 64
    against = json.dumps(checkpoint)
    report = client.get("/audit/verify", params={"against": against}, headers=viewer).json()
    assert report["intact"] is True and report["checkpoint"]["seq"] == checkpoint["seq"]
    with api_store.transaction() as conn:
        seq = checkpoint["seq"]
        conn.execute(update(t.audit_log).where(t.audit_log.c.seq == seq).values(hash="0" * 64))
    report = client.get("/audit/verify", params={"against": against}, headers=viewer).json()
    assert "checkpoint" in [p["subject"] for p in report["problems"]]


def test_a_malformed_checkpoint_is_a_422(client: TestClient, as_role: dict) -> None:
    answer = client.get("/audit/verify", params={"against": "{}"}, headers=as_role["nissan_viewer"])
    assert answer.status_code == 422 and answer.json()["field"] == "checkpoint"
