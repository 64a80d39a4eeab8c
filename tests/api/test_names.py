"""Names are stored in one normal form; hidden and control characters never get in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from synergies.domain.errors import InvalidInput
from synergies.domain.org import Person
from synergies.services import structure
from synergies.services.context import Context


def _person(pid: str, name: str) -> dict[str, str]:
    return {"id": pid, "name": name, "title": "Buyer (illustrative)", "company": "RENAULT"}


@pytest.mark.parametrize("name", ["Ogi\u202eRedzic", "Ogi\u200bRedzic", "Ogi\x85Redzic"])
def test_the_api_refuses_a_name_with_hidden_characters(
    client: TestClient, as_role: dict, name: str
) -> None:
    got = client.post("/org/people", json=_person("p-hidden", name), headers=as_role["admin"])
    assert got.status_code == 422 and "U+" in got.text
    assert client.get("/org/people/p-hidden", headers=as_role["admin"]).status_code == 404


def test_the_api_stores_a_name_in_nfc(client: TestClient, as_role: dict) -> None:
    got = client.post(
        "/org/people", json=_person("p-nfc", "Jose\u0301 Mun\u0303oz"), headers=as_role["admin"]
    )
    assert got.status_code == 201
    people = {p["id"]: p for p in client.get("/org/people", headers=as_role["admin"]).json()}
    assert people["p-nfc"]["name"] == "José Muñoz"


def test_the_service_refuses_what_the_api_refuses(admin_ctx: Context) -> None:
    hidden = Person("p-cli", "Ogi\u202eRedzic", "Buyer", "RENAULT")
    with pytest.raises(InvalidInput) as refused:
        structure.add_person(admin_ctx, hidden)
    assert refused.value.field == "name"
    assert "p-cli" not in structure.org(admin_ctx).people


def test_a_partner_code_has_one_form_in_paths_and_bodies(client: TestClient, as_role: dict) -> None:
    admin = as_role["admin"]
    assert client.get("/partners/renault", headers=admin).json()["code"] == "RENAULT"
    assert client.get("/agreements/daimler", headers=admin).json()["code"] == "DAIMLER"
    assert client.get("/initiatives/pur-001", headers=admin).json()["id"] == "PUR-001"
    got = client.post("/org/people", json={**_person("p-code", "Ana Diaz"), "company": "nissan"},
                      headers=admin)  # fmt: skip
    assert got.status_code == 201 and got.json()["company"] == "NISSAN"
