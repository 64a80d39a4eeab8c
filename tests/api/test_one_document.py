"""The command line and the API give one document per result: the same fields, the same values.

`synergies ... --format json|csv` runs through the real entry point on the store the API
serves; the API answers the alliance admin, the CLI's local operator is an admin too."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from synergies.cli.main import run
from synergies.storage.store import Store

REPORTS = [
    ({"year": "2015"}, ["--year", "2015"]),
    ({"year": "2015", "by": "partner"}, ["--year", "2015", "--by", "partner"]),
    ({"year": "2015", "currency": "JPY"}, ["--year", "2015", "--currency", "JPY"]),
    ({"fiscal_year_of": "NISSAN"}, ["--fiscal-year-of", "NISSAN"]),
    ({"by": "initiative", "currency": "jpy", "fiscal_year_of": "nissan"},
     ["--by", "initiative", "--currency", "jpy", "--fiscal-year-of", "nissan"]),
]  # fmt: skip
LEDGERS = [
    ({}, []),
    ({"partner": "nissan"}, ["--partner", "nissan"]),
    ({"initiative": "PUR-002", "source": "published"},
     ["--initiative", "PUR-002", "--source", "published"]),
    ({"function": "engineering"}, ["--function", "engineering"]),
]  # fmt: skip


def _cli(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> str:
    monkeypatch.setattr(
        sys,
        "argv",
        ["synergies", *args, "--db", store.engine.url.render_as_string(hide_password=False)],
    )
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        run()
    out, err = capsys.readouterr()
    assert stop.value.code in (0, None), err
    return out


def differences(cli: object, api: object, path: str = "") -> Iterator[str]:
    """Every place where two JSON documents differ, by its path: field by field."""
    if isinstance(cli, dict) and isinstance(api, dict):
        for key in sorted(cli.keys() | api.keys()):
            if key not in cli or key not in api:
                yield f"{path}.{key}: only in the {'API' if key in api else 'CLI'}"
            else:
                yield from differences(cli[key], api[key], f"{path}.{key}")
    elif isinstance(cli, list) and isinstance(api, list):
        if len(cli) != len(api):
            yield f"{path}: {len(cli)} items in the CLI, {len(api)} in the API"
        for i, (a, b) in enumerate(zip(cli, api, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif cli != api or type(cli) is not type(api):
        yield f"{path}: CLI {cli!r}, API {api!r}"


@pytest.mark.parametrize(("query", "options"), REPORTS)
def test_the_report_is_one_document(
    client: TestClient, api_store: Store, as_role: dict[str, dict[str, str]],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    query: dict[str, str], options: list[str],
) -> None:  # fmt: skip
    api = client.get("/reports/synergies", params=query, headers=as_role["admin"])
    assert api.status_code == 200, api.text
    cli = json.loads(_cli(api_store, capsys, monkeypatch, "report", *options, "--format", "json"))
    assert list(differences(cli, api.json())) == []
    assert cli["years"] and cli["bridge"] and cli["rates_note"]


def _every_entry(client: TestClient, query: dict[str, str], headers: dict[str, str]) -> list:
    """All the entries of a ledger list, page by page."""
    items: list = []
    while True:
        params = {**query, "limit": 1000, "offset": len(items)}
        page = client.get("/ledger", params=params, headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if len(items) >= page.json()["total"]:
            return items


@pytest.mark.parametrize(("query", "options"), LEDGERS)
def test_the_ledger_is_one_document(
    client: TestClient, api_store: Store, as_role: dict[str, dict[str, str]],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    query: dict[str, str], options: list[str],
) -> None:  # fmt: skip
    items = _every_entry(client, query, as_role["admin"])
    assert items
    cli = json.loads(
        _cli(api_store, capsys, monkeypatch, "ledger", *options, "--limit", "0", "--format", "json")
    )
    assert list(differences(cli, items)) == []
    export = client.get("/ledger/export", params=query, headers=as_role["admin"])
    cli_csv = _cli(api_store, capsys, monkeypatch, "ledger", *options, "--limit", "0",
                   "--format", "csv")  # fmt: skip
    assert export.text == cli_csv


def test_an_entry_added_from_either_shell_is_the_same_entry(
    client: TestClient, api_store: Store, as_role: dict[str, dict[str, str]],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    body = {"partner": "nissan", "period": "2016-03",
            "amount": {"amount": "125000000", "currency": "jpy"}, "initiative_id": "pur-002",
            "reason": '=HYPERLINK("http://x")'}  # fmt: skip
    by_api = client.post("/ledger", json=body, headers=as_role["admin"])
    assert by_api.status_code == 201, by_api.text
    _cli(api_store, capsys, monkeypatch, "ledger", "add", "--partner", "nissan", "--period",
         "2016-03", "--amount", "125000000", "--currency", "jpy", "--initiative", "pur-002",
         "--reason", '=HYPERLINK("http://x")')  # fmt: skip
    items = client.get("/ledger", params={"initiative": "PUR-002", "sort": "-id", "limit": 2},
                       headers=as_role["admin"]).json()["items"]  # fmt: skip
    by_cli, first = items
    assert first == by_api.json()
    same = {"partner", "period", "amount", "category", "source", "initiative_id", "function",
            "reverses", "reason", "illustrative"}  # fmt: skip
    assert {k: by_cli[k] for k in same} == {k: first[k] for k in same}
    export = client.get("/ledger/export", params={"initiative": "PUR-002"},
                        headers=as_role["admin"]).text  # fmt: skip
    assert "'=HYPERLINK" in export and "\n=HYPERLINK" not in export and ",=HYPERLINK" not in export
