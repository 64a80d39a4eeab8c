"""POST /ledger/splits: an amount for the alliance, split by its initiative's rule, answered
with every entry it recorded; a cost-base split refused without a figure of the cost bases."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from tests.api.conftest import COST_BASE_INITIATIVE, RENAULT_COST_BASE


def test_an_alliance_amount_is_split_and_every_entry_answered(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.post(
        "/ledger/splits", headers=as_role["admin"],
        json={"period": "2016-03", "amount": {"amount": "100.00", "currency": "EUR"},
              "initiative_id": "HR-001", "reason": "shared HR services, March"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    split = answer.json()
    assert split["rule"] == "fixed shares RENAULT=45, NISSAN=55"
    parts = [(e["partner"], e["amount"]["amount"]) for e in split["entries"]]
    assert parts == [("RENAULT", "45.00"), ("NISSAN", "55.00")]
    for entry in split["entries"]:
        stored = client.get(f"/ledger/{entry['id']}", headers=as_role["nissan_viewer"]).json()
        assert stored == entry
        assert stored["lineage"] == "split of 100.00 EUR by fixed shares RENAULT=45, NISSAN=55"


def test_yen_split_to_the_yen(client: TestClient, as_role: dict[str, dict[str, str]]) -> None:
    answer = client.post("/ledger/splits", headers=as_role["admin"], json={
        "period": "2016-03", "amount": {"amount": "1001", "currency": "JPY"},
        "initiative_id": "HR-001"})  # fmt: skip
    amounts = [Decimal(e["amount"]["amount"]) for e in answer.json()["entries"]]
    assert amounts == [450, 551]


def test_a_cost_base_split_is_refused_and_reveals_no_cost_base(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    before = client.get("/ledger?limit=1", headers=as_role["admin"]).json()["total"]
    body = {"period": "2016-03", "amount": {"amount": "100.00"},
            "initiative_id": COST_BASE_INITIATIVE}  # fmt: skip
    answers = {r: client.post("/ledger/splits", json=body, headers=as_role[r])
               for r in ("admin", "renault_controller", "clean_team", "nissan_viewer")}  # fmt: skip
    assert {r: a.status_code for r, a in answers.items()} == {
        "admin": 409, "renault_controller": 403, "clean_team": 403, "nissan_viewer": 403,
    }  # fmt: skip
    assert answers["admin"].json()["field"] == "partner"
    for answer in answers.values():
        assert str(RENAULT_COST_BASE) not in answer.text and "9120000000" not in answer.text
        assert "%" not in answer.text
    assert client.get("/ledger?limit=1", headers=as_role["admin"]).json()["total"] == before


def test_the_alliance_is_no_partner_of_a_single_entry(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.post("/ledger", headers=as_role["admin"], json={
        "partner": "ALLIANCE", "period": "2016-03", "amount": {"amount": "100.00"},
        "initiative_id": "HR-001"})  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["field"] == "partner"
