"""Posting a source on the server's disk, and who sees what of the result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.api.routes import measurements as route
from synergies.services import measurement as service
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
    posted_entries = client.get("/ledger?source=measured&limit=1000", headers=admin).json()
    assert posted_entries["total"] == run["entries_added"]
    assert {e["run_id"] for e in posted_entries["items"]} == {run["run_id"]}
    assert {e["lineage"] for e in posted_entries["items"]} == {f"measurement run {run['run_id']}"}


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
    assert got.status_code == 403 and got.json()["field"] == "partner"
    assert client.get("/measurements", headers=as_role["admin"]).json()["total"] == 0


@pytest.mark.parametrize("role", ["renault_controller", "lead", "nissan_viewer"])
def test_who_may_not_post_is_refused_before_any_file_is_read(
    client: TestClient, as_role: dict, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A controller may record its own partner's entries, a lead its function's; a source may
    hold any partner's and function's lines, so posting one is checked before reading it."""
    touched: list[str] = []
    monkeypatch.setattr(route, "resolve_source", lambda *a: touched.append("folder"))
    monkeypatch.setattr(service, "measure", lambda *a, **k: touched.append("measure"))
    got = client.post("/measurements", json={"source": SOURCE}, headers=as_role[role])
    assert got.status_code == 403 and touched == []


def test_runs_show_no_server_path(client: TestClient, as_role: dict, sources: Path) -> None:
    posted = client.post("/measurements", json={"source": SOURCE}, headers=as_role["admin"])
    run = client.get(f"/measurements/{posted.json()['run_id']}", headers=as_role["nissan_viewer"])
    listed = client.get("/measurements", headers=as_role["nissan_viewer"])
    for text in (run.text, listed.text, posted.text):
        assert str(sources) not in text and str(sources.resolve()) not in text
    shown = run.json()
    assert shown["source"] == SOURCE and shown["fingerprint"]["source"] == SOURCE
    files = shown["fingerprint"]["tables"]["purchase_lines"]["files"]
    assert [f["path"] for f in files] == ["purchase_lines.csv"] and len(files[0]["sha256"]) == 64


def test_the_same_content_under_a_new_folder_adds_nothing(
    api_store: Store, as_role: dict, sources: Path, tmp_path: Path
) -> None:
    root = tmp_path / "sources"
    shutil.copytree(sources / SOURCE, root / "2016" / "purchases")
    shutil.copytree(sources / SOURCE, root / "purchases-resent")
    admin = as_role["admin"]
    with TestClient(create_app(api_store, root)) as client:
        first = client.post("/measurements", json={"source": "2016/purchases"}, headers=admin)
        ledger = client.get("/ledger?source=measured&limit=1", headers=admin).json()["total"]
        again = client.post("/measurements", json={"source": "purchases-resent"}, headers=admin)
        assert again.status_code == 200, again.text
        assert again.json()["unchanged"] and again.json()["entries_added"] == 0
        assert again.json()["run_id"] == first.json()["run_id"]
        assert again.json()["posted_from"] == "2016/purchases"
        assert (
            client.get("/ledger?source=measured&limit=1", headers=admin).json()["total"] == ledger
        )
        assert client.get("/measurements", headers=admin).json()["total"] == 1


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


def test_a_refused_source_names_no_server_path(
    api_store: Store, as_role: dict, tmp_path: Path
) -> None:
    root = tmp_path / "sources"
    (root / "empty").mkdir(parents=True)
    with TestClient(create_app(api_store, root)) as client:
        got = client.post("/measurements", json={"source": "empty"}, headers=as_role["admin"])
    assert got.status_code == 422 and got.json()["field"] == "source"
    assert str(tmp_path) not in got.text and "no purchase_lines table" in got.text
