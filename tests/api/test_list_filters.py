"""The lists' filters: the API selects what the same filter selects in the service, and says
what it refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from synergies.domain.initiatives import Category
from synergies.services import initiatives, ledger
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter


def _all(client: TestClient, path: str, headers: dict[str, str]) -> list[dict]:
    got = client.get(f"{path}&limit=1000", headers=headers)  # params= would drop the query
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["total"] == len(body["items"])
    return list(body["items"])


@pytest.mark.parametrize("partner", ["NISSAN", "renault", "MITSUBISHI", "DAIMLER"])
def test_initiatives_by_the_partner_sharing_in_them(
    client: TestClient, as_role: dict, admin_ctx: Context, partner: str
) -> None:
    code = partner.upper()
    listed = _all(client, f"/initiatives?partner={partner}", as_role["nissan_viewer"])
    expected = [i for i in initiatives.list_initiatives(admin_ctx) if code in i.partners()]
    assert [i["id"] for i in listed] == sorted(i.id for i in expected)
    assert listed or code not in ("NISSAN", "RENAULT")  # the two founders share in most


def test_initiatives_by_partner_and_stage_together(
    client: TestClient, as_role: dict, admin_ctx: Context
) -> None:
    listed = _all(client, "/initiatives?partner=RENAULT&stage=L5", as_role["nissan_viewer"])
    both = initiatives.list_initiatives(admin_ctx, InitiativeFilter(partner="RENAULT"))
    assert [i["id"] for i in listed] == sorted(i.id for i in both if i.stage.value == "L5")
    assert listed


def test_a_bad_partner_code_is_refused_naming_the_parameter(
    client: TestClient, as_role: dict
) -> None:
    got = client.get("/initiatives?partner=NIS-SAN", headers=as_role["nissan_viewer"])
    assert got.status_code == 422 and got.json()["field"] == "query.partner"


def test_the_ledger_by_year_and_category(
    client: TestClient, as_role: dict, admin_ctx: Context
) -> None:
    every = ledger.entries(admin_ctx)
    year = _all(client, "/ledger?year=2015", as_role["nissan_viewer"])
    assert [e["id"] for e in year] == [e.id for e in every if e.period.year == 2015]
    assert year and {e["period"][:4] for e in year} == {"2015"}
    costs = _all(client, "/ledger?category=one-off%20cost", as_role["nissan_viewer"])
    assert [e["id"] for e in costs] == [e.id for e in every if e.category is Category.one_off_cost]
    both = _all(client, "/ledger?year=2014&category=cost%20reduction", as_role["nissan_viewer"])
    expected = [e for e in every if e.period.year == 2014 and e.category is Category.cost_reduction]
    assert [e["id"] for e in both] == [e.id for e in expected]
    assert sum(Decimal(e["amount"]["amount"]) for e in both) == sum(
        e.amount.amount for e in expected
    )
    refused = client.get("/ledger?year=1066", headers=as_role["nissan_viewer"])
    assert refused.status_code == 422 and refused.json()["field"] == "query.year"
