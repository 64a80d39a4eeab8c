# ruff: noqa: F811 - the fixtures imported below are parameters of the tests
"""GET /exports/...: the workbook, JSON and a sheet's CSV for any signed-in reader; and the
`synergies export` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import python_calamine
from fastapi.testclient import TestClient

from synergies.workbooks import layout
from tests.api.conftest import (  # noqa: F401 - the API tests' fixtures, used here too
    COST_BASE_INITIATIVE,
    _cheap_hashing,
    api_store,
    as_role,
    client,
    sources,
)
from tests.cli.conftest import Invoke, cli, db  # noqa: F401 - the CLI tests' fixtures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _initiative(body: bytes) -> dict[str, object]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    header, *rows = book.get_sheet_by_name("Initiatives").to_python()
    return next(dict(zip(header, r, strict=True)) for r in rows if r[0] == COST_BASE_INITIATIVE)


def test_a_viewer_gets_the_workbook_without_cost_bases(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.get("/exports/workbook.xlsx?year=2015", headers=as_role["nissan_viewer"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert "synergies.xlsx" in answer.headers["content-disposition"]
    assert _initiative(answer.content)["Partners"] == "RENAULT, NISSAN"
    clean = client.get("/exports/workbook.xlsx", headers=as_role["clean_team"])
    assert str(_initiative(clean.content)["Partners"]).startswith("RENAULT=7315000000")


def test_json_and_csv(client: TestClient, as_role: dict[str, dict[str, str]]) -> None:
    answer = client.get("/exports/workbook.json", headers=as_role["lead"])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert list(json.loads(answer.content)) == [s.name for s in layout.SHEETS]
    sheet = client.get("/exports/sheets/reporting-lines.csv", headers=as_role["lead"])
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/csv")
    assert sheet.text.splitlines()[0] == "Person,Manager,Kind"


def test_an_unknown_sheet_or_no_credentials(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    answer = client.get("/exports/sheets/Budget.csv", headers=as_role["lead"])
    assert answer.status_code == 422
    assert "reporting-lines" in answer.text
    assert client.get("/exports/workbook.xlsx").status_code == 401


def test_the_export_command_writes_each_format(cli: Invoke, db: str, tmp_path: Path) -> None:
    for name in ("out.xlsx", "out.json", "out.csv"):
        done = cli("export", str(tmp_path / name), "--year", "2015")
        assert done.code == 0, done.err
        assert "Ledger" in done.out
        assert (tmp_path / name).stat().st_size > 0
    header = (tmp_path / "out.csv").read_text().splitlines()[0]
    assert header == ",".join(layout.LEDGER.headers)


def test_the_export_command_names_the_fix(cli: Invoke, db: str, tmp_path: Path) -> None:
    done = cli("export", str(tmp_path / "out.ods"))
    assert done.code == 2
    assert "OUT" in done.err and "OUT.xlsx" in done.err and ".json" in done.err
    assert not (tmp_path / "out.ods").exists()
    sheet = cli("export", str(tmp_path / "out.csv"), "--sheet", "Budget")
    assert sheet.code == 2 and "--sheet" in sheet.err and "Initiatives" in sheet.err
    year = cli("export", str(tmp_path / "out.xlsx"), "--year", "1990")
    assert year.code == 3 and "--year" in year.err
