"""Dual sign-off by the partners' own controllers, and a tamper-evident audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from synergies.storage import tables as t
from synergies.storage.store import Store

SIGN = {"partner": "RENAULT", "on": "2017-02-01"}


def _new_initiative(client: TestClient, headers: dict, owner: str = "D. Girard") -> str:
    body = {
        "id": "PUR-950", "name": "Tyres (illustrative)", "function": "purchasing",
        "owner": owner, "category": "cost reduction",
        "allocation": {"method": "fixed", "weights": {"RENAULT": 45, "NISSAN": 55}},
    }  # fmt: skip
    made = client.post("/initiatives", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return "/initiatives/PUR-950"


def test_whoever_proposed_the_figures_cannot_sign_them_off(
    client: TestClient, as_role: dict
) -> None:
    url = _new_initiative(client, as_role["admin"])
    got = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["admin"])
    assert got.status_code == 422 and "proposed" in got.json()["detail"]
    assert client.get(url, headers=as_role["admin"]).json()["signoffs"] == []


def test_the_owner_cannot_sign_off_as_controller(client: TestClient, as_role: dict) -> None:
    url = _new_initiative(client, as_role["lead"], owner="rene.controller")
    got = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["renault_controller"])
    assert got.status_code == 422


def test_each_partner_signs_by_its_own_controller(client: TestClient, as_role: dict) -> None:
    url = _new_initiative(client, as_role["lead"])
    foreign = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["nissan_controller"])
    assert foreign.status_code == 403 and foreign.json()["field"] == "partner"
    own = client.post(f"{url}/sign-offs", json=SIGN, headers=as_role["renault_controller"])
    assert own.status_code == 200
    assert own.json()["signoffs"] == [
        {"partner": "RENAULT", "controller": "rene.controller", "on": "2017-02-01"}
    ]
    nissan = {"partner": "NISSAN", "on": "2017-05-02"}
    both = client.post(f"{url}/sign-offs", json=nissan, headers=as_role["nissan_controller"])
    assert sorted(s["partner"] for s in both.json()["signoffs"]) == ["NISSAN", "RENAULT"]


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
    assert {"seq": 3, "problem": "content does not match its hash (edited)"} in report["problems"]


def test_a_deleted_record_is_detected(client: TestClient, as_role: dict, api_store: Store) -> None:
    with api_store.transaction() as conn:
        conn.execute(delete(t.audit_log).where(t.audit_log.c.seq == 5))
    report = client.get("/audit/verify", headers=as_role["admin"]).json()
    assert report["intact"] is False
    assert any(p["seq"] == 5 and "missing" in p["problem"] for p in report["problems"])
