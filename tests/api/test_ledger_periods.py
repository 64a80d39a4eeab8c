"""Hardening finding F3 over HTTP: one 0.01 EUR entry dated 2199-12 made GET /forecast answer
409 for everyone and JPY reports 404. Now the entry is refused, and one stored before the rule
breaks no reader's view."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.storage import ledger_rows
from synergies.storage.store import Store
from tests.api.conftest import ACCOUNTS, PASSWORD

pytestmark = pytest.mark.parametrize("example_url", ["sqlite"], indirect=True)
FAR = {"partner": "RENAULT", "period": "2199-12", "initiative_id": "PUR-001",
       "amount": {"amount": "0.01", "currency": "EUR"}}  # fmt: skip
QUICK = "trials=2000"


def _views_answer(client: TestClient, headers: dict[str, str]) -> None:
    assert client.get(f"/forecast?{QUICK}", headers=headers).status_code == 200
    in_yen = client.get("/reports/synergies?currency=JPY", headers=headers)
    assert in_yen.status_code == 200, in_yen.text
    assert in_yen.json()["breakdown_year"] == 2017


def test_a_lead_cannot_date_an_entry_in_2199(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    got = client.post("/ledger", json=FAR, headers=as_role["lead"])
    assert got.status_code == 422, got.text
    problem = got.json()
    assert problem["field"] == "period" and "business case" in problem["fix"]
    _views_answer(client, as_role["nissan_viewer"])


def test_an_entry_dated_2199_before_the_rule_breaks_no_view(
    client: TestClient, api_store: Store, as_role: dict[str, dict[str, str]]
) -> None:
    with api_store.engine.begin() as conn:
        ledger_rows.insert_entries(conn, [LedgerEntry(
            partner="RENAULT", period=Month(2199, 12), amount=Money(Decimal("0.01"), "EUR"),
            category=Category.cost_reduction, source=EntrySource.entered, author="pierre.lead",
            recorded_at=datetime(2026, 12, 1, tzinfo=UTC), initiative_id="PUR-001",
        )])  # fmt: skip
    _views_answer(client, as_role["nissan_viewer"])
    viewer = ACCOUNTS["nissan_viewer"].name
    signed = client.post("/web/login", data={"name": viewer, "password": PASSWORD},
                         headers={"Origin": "http://testserver"}, follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303
    overview = client.get("/")
    assert overview.status_code == 200 and "forecast as of the end of 2017" in overview.text
