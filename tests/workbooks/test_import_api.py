# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""POST /imports: the workbook as the body, an alliance admin's."""

from __future__ import annotations

import base64
from pathlib import Path

from fastapi.testclient import TestClient

from synergies.api.hardening import WORKBOOK_TYPE
from synergies.services import ledger
from synergies.services.context import Context
from tests.api.conftest import (  # noqa: F401 - the API tests' fixtures, used here too
    _cheap_hashing,
    admin_ctx,
    api_store,
    as_role,
    client,
    sources,
)
from tests.workbooks.workbook_files import ENTRY, tracker


def test_an_admin_imports_a_workbook(
    client: TestClient, as_role: dict[str, dict[str, str]], admin_ctx: Context, tmp_path: Path
) -> None:
    body = tracker(tmp_path / "t.xlsx").read_bytes()
    answer = client.post("/imports?name=tracker.xlsx", content=body, headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert outcome["workbook"] == "tracker.xlsx"
    assert [(s["sheet"], s["added"]) for s in outcome["sheets"]] == [
        ("Initiatives", 1), ("Ledger", 1)]  # fmt: skip
    assert any(e.reason.startswith("tyre invoices") for e in ledger.entries(admin_ctx))


def test_a_workbook_may_come_as_base64_json_and_as_a_dry_run(
    client: TestClient, as_role: dict[str, dict[str, str]], admin_ctx: Context, tmp_path: Path
) -> None:
    before = len(ledger.entries(admin_ctx))
    body = base64.b64encode(tracker(tmp_path / "t.xlsx").read_bytes()).decode()
    answer = client.post("/imports?dry_run=true", json={"name": "t.xlsx", "content_base64": body},
                         headers=as_role["admin"])  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["dry_run"] is True
    assert len(ledger.entries(admin_ctx)) == before


def test_a_viewer_may_not_import(
    client: TestClient, as_role: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    body = tracker(tmp_path / "t.xlsx").read_bytes()
    answer = client.post("/imports", content=body, headers={
        **as_role["nissan_viewer"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 403


def test_a_body_that_is_no_workbook_is_a_problem(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.post("/imports", content=b"id,name\n", headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert "not an Excel workbook" in answer.json()["detail"]


def test_every_problem_is_in_the_answer(
    client: TestClient, as_role: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    bad = [[*ENTRY[:3], "1,234.50", *ENTRY[4:]], [*ENTRY[:1], "TOYOTA", *ENTRY[2:]]]
    body = tracker(tmp_path / "t.xlsx", ledger=bad).read_bytes()
    answer = client.post("/imports", content=body, headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [(e["field"], e["value"]) for e in errors] == [
        ("Ledger!D (Amount)2", "1,234.50"), ("Ledger!B (Partner)3", "TOYOTA")]  # fmt: skip


def test_another_media_type_is_refused_on_other_routes(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.post("/ledger", content=b"PK", headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 415


def test_a_workbook_body_has_its_own_size_limit(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    big = b"x" * (1024 * 1024 + 10)  # over the JSON limit, under the workbook one
    answer = client.post("/imports", content=big, headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE})  # fmt: skip
    assert answer.status_code == 422  # read, then refused as no workbook
    too_big = client.post("/imports", headers={
        **as_role["admin"], "Content-Type": WORKBOOK_TYPE,
        "Content-Length": str(100 * 1024 * 1024 + 1)}, content=b"")  # fmt: skip
    assert too_big.status_code == 413
