"""A partner's cost base is seen by its own controllers and the clean team, by no one else."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import COST_BASE_INITIATIVE, RENAULT_COST_BASE

RAW = str(RENAULT_COST_BASE)
WEIGHT = f"/initiatives/{COST_BASE_INITIATIVE}/weights/RENAULT"


@pytest.mark.parametrize("role", ["nissan_viewer", "nissan_controller", "lead"])
def test_others_are_refused_the_cost_base_with_a_403(
    client: TestClient, as_role: dict, role: str
) -> None:
    got = client.get(WEIGHT, headers=as_role[role])
    assert got.status_code == 403
    assert got.headers["content-type"] == "application/problem+json"
    assert RAW not in got.text


@pytest.mark.parametrize("role", ["renault_controller", "clean_team"])
def test_renault_controllers_and_the_clean_team_read_it(
    client: TestClient, as_role: dict, role: str
) -> None:
    got = client.get(WEIGHT, headers=as_role[role])
    assert got.status_code == 200
    assert got.json()["weight"] == RAW and got.json()["method"] == "cost base"


def test_no_other_route_shows_the_raw_cost_base(client: TestClient, as_role: dict) -> None:
    viewer = as_role["nissan_viewer"]
    pages = [
        "/initiatives?limit=1000", f"/initiatives/{COST_BASE_INITIATIVE}", "/ledger/export",
        "/ledger?limit=1000", "/reports/synergies?by=initiative", "/audit/verify",
    ]  # fmt: skip
    for url in pages:
        got = client.get(url, headers=viewer)
        assert got.status_code == 200, url
        assert RAW not in got.text and "7315000000" not in got.text, url
    shares = client.get(f"/initiatives/{COST_BASE_INITIATIVE}", headers=viewer).json()
    assert shares["allocation"] == {
        "method": "cost base", "shares": {"RENAULT": "44.5087", "NISSAN": "55.4913"}
    }  # fmt: skip


def test_the_audit_trail_holding_before_and_after_is_refused(
    client: TestClient, as_role: dict
) -> None:
    got = client.get(f"/audit?subject=initiative/{COST_BASE_INITIATIVE}",
                     headers=as_role["nissan_viewer"])  # fmt: skip
    assert got.status_code == 403 and RAW not in got.text


@pytest.mark.parametrize("role", ["nissan_viewer", "nissan_controller", "lead"])
def test_others_are_refused_renault_line_level_detail(
    client: TestClient, as_role: dict, role: str
) -> None:
    got = client.get("/measurements/1/detail/RENAULT", headers=as_role[role])
    assert got.status_code == 403 and got.json()["status"] == 403
