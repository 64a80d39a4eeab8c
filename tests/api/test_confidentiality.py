"""A partner's cost base is seen by its own controllers and the clean team, by no one else,
and no public figure is one step of arithmetic away from a partner's confidential figure."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import COST_BASE_INITIATIVE, RENAULT_COST_BASE, SOURCE

NISSAN_COST_BASE = Decimal("9120000000")

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
    assert shares["allocation"] == {"method": "cost base", "shares": None}


def _numbers(text: str) -> list[Decimal]:
    return [Decimal(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _estimates(own: Decimal, shares: list[Decimal], amounts: dict[str, Decimal]) -> list[Decimal]:
    """What a RENAULT controller can make of NISSAN's cost base: from any number read as
    RENAULT's share (a fraction or a percentage), other = own x (1 - s) / s; from the
    initiative's amounts by partner, other = own x NISSAN's / RENAULT's."""
    found = []
    for x in shares:
        s = x if 0 < x < 1 else x / 100 if 1 <= x < 100 else None
        if s is not None:
            found.append(own * (1 - s) / s)
    if amounts.get("RENAULT") and amounts.get("NISSAN"):
        found.append(own * amounts["NISSAN"] / amounts["RENAULT"])
    return found


def test_a_renault_controller_cannot_rebuild_nissans_cost_base(
    client: TestClient, as_role: dict
) -> None:
    """Own cost base + either share gives the other partner's exactly (two partners), and so
    do the amounts allocated to each: neither reaches anyone who may not read both bases."""
    rene = as_role["renault_controller"]
    own = Decimal(client.get(WEIGHT, headers=rene).json()["weight"])
    detail = client.get(f"/initiatives/{COST_BASE_INITIATIVE}", headers=rene).json()
    listed = [i for i in client.get("/initiatives?limit=1000", headers=rene).json()["items"]
              if i["id"] == COST_BASE_INITIATIVE]  # fmt: skip
    entries = client.get(
        f"/ledger?initiative={COST_BASE_INITIATIVE}&limit=1000", headers=rene
    ).json()["items"]
    exported = list(csv.DictReader(io.StringIO(client.get(
        f"/ledger/export?initiative={COST_BASE_INITIATIVE}", headers=rene).text)))  # fmt: skip
    reports = [client.get(f"/reports/synergies?by={by}", headers=rene).json()
               for by in ("partner", "initiative")]  # fmt: skip
    by_initiative = [r for r in reports[1]["breakdown"] if COST_BASE_INITIATIVE in json.dumps(r)]
    amounts: dict[str, Decimal] = {}
    for e in entries:
        amounts[e["partner"]] = amounts.get(e["partner"], Decimal(0)) + Decimal(
            e["amount"]["amount"]
        )
    assert len(exported) == len(entries)
    shares = _numbers(json.dumps([detail["allocation"], [i["allocation"] for i in listed]]))
    for estimate in _estimates(own, shares, amounts):
        assert abs(estimate - NISSAN_COST_BASE) > NISSAN_COST_BASE / 10, estimate
    everything = json.dumps([detail, listed, entries, exported, reports, by_initiative])
    assert str(NISSAN_COST_BASE) not in everything
    nissan = client.get(f"/initiatives/{COST_BASE_INITIATIVE}/weights/NISSAN", headers=rene)
    assert nissan.status_code == 403


@pytest.mark.parametrize("role", ["clean_team", "admin"])
def test_who_may_read_every_sharing_partners_base_reads_both_weights(
    client: TestClient, as_role: dict, role: str
) -> None:
    weights = [
        client.get(f"/initiatives/{COST_BASE_INITIATIVE}/weights/{p}", headers=as_role[role])
        for p in ("RENAULT", "NISSAN")
    ]
    assert [Decimal(w.json()["weight"]) for w in weights] == [RENAULT_COST_BASE, NISSAN_COST_BASE]


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


CONFIDENTIAL = {"leakage", "unmeasurable", "double_claimed_lines", "lines_measured"}


def _keys(document: object) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {k for v in document.values() for k in _keys(v)}
    if isinstance(document, list):
        return {k for v in document for k in _keys(v)}
    return set()


def _by_month(rows: list[dict]) -> dict[str, set[Decimal]]:
    """Every number in each month's rows."""
    found: dict[str, set[Decimal]] = {}
    for row in rows:
        found.setdefault(row["month"], set()).update(_numbers(json.dumps(row)))
    return found


def test_no_public_figure_is_a_difference_away_from_the_other_partners(
    client: TestClient, as_role: dict
) -> None:
    """A RENAULT controller reads the public run and RENAULT's own detail: no figure of
    NISSAN's detail is in the first, nor the first less the second, month by month."""
    run_id = client.post("/measurements", json={"source": SOURCE},
                         headers=as_role["admin"]).json()["run_id"]  # fmt: skip
    rene = as_role["renault_controller"]
    public = [client.get(f"/measurements/{run_id}", headers=rene).json(),
              client.get("/measurements", headers=rene).json()]  # fmt: skip
    own = client.get(f"/measurements/{run_id}/detail/RENAULT", headers=rene).json()
    nissan = client.get(f"/measurements/{run_id}/detail/NISSAN", headers=as_role["clean_team"])
    assert nissan.status_code == 200
    assert _keys(public) & CONFIDENTIAL == set()
    public_months = _by_month(public[0]["summary"]["by_month"])
    own_months = _by_month(own["by_month"])
    for month, amounts in own_months.items():  # own leakage, also summed over initiatives
        amounts.add(sum((Decimal(c["amount"]) for c in own["leakage"] if c["month"] == month),
                        Decimal(0)))  # fmt: skip
    leaks = [(r["month"], Decimal(r["leakage"]["amount"])) for r in nissan.json()["by_month"]]
    assert any(amount for _, amount in leaks)  # the check below is not empty
    for month, amount in leaks:
        if amount:
            rebuilt = {p - o for p in public_months.get(month, set())
                       for o in own_months.get(month, set()) | {Decimal(0)}}  # fmt: skip
            assert amount not in rebuilt, month
