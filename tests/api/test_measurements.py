"""Posting a source on the server's disk, and who sees what of the result."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.storage.store import Store
from tests.api.conftest import SOURCE


def test_posting_a_source_then_reading_its_lineage(client: TestClient, as_role: dict) -> None:
    admin = as_role["admin"]
    posted = client.post("/measurements", json={"source": SOURCE}, headers=admin)
    assert posted.status_code == 200, posted.text
    run = posted.json()
    assert run["entries_added"] > 0 and run["lines_read"] == 400 and not run["unchanged"]
    again = client.post("/measurements", json={"source": SOURCE}, headers=admin).json()
    assert again["unchanged"] and again["run_id"] == run["run_id"] and again["entries_added"] == 0
    lineage = client.get(f"/measurements/{run['run_id']}", headers=as_role["nissan_viewer"])
    assert lineage.status_code == 200
    assert lineage.json()["fingerprint"]["tables"]["purchase_lines"]["rows"] == 400
    assert "double_claimed_lines" not in lineage.json()["summary"]  # no line-level detail here


def test_line_detail_of_a_real_run_goes_only_to_its_partner(
    client: TestClient, as_role: dict
) -> None:
    run = client.post("/measurements", json={"source": SOURCE}, headers=as_role["admin"]).json()
    url = f"/measurements/{run['run_id']}/detail"
    assert client.get(f"{url}/NISSAN", headers=as_role["nissan_controller"]).status_code == 200
    refused = client.get(f"{url}/RENAULT", headers=as_role["nissan_controller"])
    assert refused.status_code == 403 and "RENAULT" in refused.json()["detail"]
    assert client.get(f"{url}/RENAULT", headers=as_role["clean_team"]).status_code == 200


def test_a_controller_cannot_post_another_partners_lines(client: TestClient, as_role: dict) -> None:
    got = client.post(
        "/measurements", json={"source": SOURCE}, headers=as_role["renault_controller"]
    )
    assert got.status_code == 403 and "NISSAN" in got.json()["detail"]
    assert client.get("/measurements", headers=as_role["admin"]).json()["total"] == 0


def test_paths_outside_the_sources_folder_are_refused(client: TestClient, as_role: dict) -> None:
    for path in ("../", "../../etc", "/etc", "."):
        got = client.post("/measurements", json={"source": path}, headers=as_role["admin"])
        assert got.status_code == 422, path
        assert got.json()["field"] == "source"


def test_a_server_started_without_sources_reads_none(
    api_store: Store, as_role: dict, sources: Path
) -> None:
    with TestClient(create_app(api_store)) as bare:
        got = bare.post("/measurements", json={"source": SOURCE}, headers=as_role["admin"])
    assert got.status_code == 403
    assert got.json()["fix"] == "the server must be started with a sources folder"
