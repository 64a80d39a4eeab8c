"""The overview page: the report's and the forecast's own figures, for every role, in a browser.

The figures on the page are compared with what `synergies report --format json` prints for
the same store and options, and the odds with the API's `/forecast` answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from synergies.api.app import create_app
from tests.web.conftest import ROLES, Dashboard, PageAs, serious_violations, shoot

SYNERGIES = Path(sys.executable).parent / "synergies"
Report = dict[str, Any]
_reports: dict[tuple[str, ...], Report] = {}


def cli_report(board: Dashboard, *options: str) -> Report:
    """What `synergies report --format json` prints for the dashboard's store (run once per
    set of options: the CLI starts in about a second)."""
    if options not in _reports:
        printed = subprocess.run(
            [str(SYNERGIES), "report", "--db", board.store.url, "--format", "json", *options],
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        _reports[options] = json.loads(printed.stdout)
    return _reports[options]


def _value(page: Page, selector: str) -> str:
    value = page.get_attribute(selector, "data-value")
    assert value is not None, f"{selector} has no data-value"
    return value


def _money(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def headline(page: Page) -> dict[str, Decimal | None]:
    return {
        name: _money(_value(page, f"#{name} .value"))
        for name in ("realized", "target", "gap", "probability")
    }


def by_year_table(page: Page) -> dict[int, dict[str, Decimal | None]]:
    """The by-year table, read from the page (it is there with scripts on or off)."""
    cells = page.eval_on_selector_all(
        "#by-year tbody td[data-field]",
        "tds => tds.map(td => [td.closest('tr').dataset.year, td.dataset.field, td.dataset.value])",
    )
    table: dict[int, dict[str, Decimal | None]] = {}
    for year, field, value in cells:
        table.setdefault(int(year), {})[field] = _money(value)
    return table


def expected_headline(report: Report, target_year: int) -> dict[str, Decimal | None]:
    year = next(y for y in report["years"] if y["year"] == report["breakdown_year"])
    position = next(p for p in report["positions"] if p["target_year"] == target_year)
    return {
        "realized": Decimal(year["realized"]["amount"]),
        "target": Decimal(position["target"]["amount"]),
        "gap": Decimal(position["gap"]["amount"]),
    }


def expected_years(report: Report) -> dict[int, dict[str, Decimal | None]]:
    return {
        y["year"]: {
            "realized": Decimal(y["realized"]["amount"]),
            "target": Decimal(y["target"]["amount"]) if y["target"] else None,
            "one_off_costs": Decimal(y["one_off_costs"]["amount"]),
            "illustrative_share": Decimal(y["illustrative_share"]),
        }
        for y in report["years"]
    }


def api_probability(page: Page, base: str, target_year: int, as_of: int) -> Decimal:
    """P(target) as the API's /forecast answers it in the page's session, for the portfolio
    the overview forecasts from: today's register seen from the year (`register=true`)."""
    query = f"target_year={target_year}&as_of={as_of}&register=true"
    answer = page.request.get(f"{base}/forecast?{query}")
    assert answer.ok, answer.text()
    target = next(t for t in answer.json()["targets"] if t["year"] == target_year)
    return Decimal(target["probability"])


def assert_charts_drawn(page: Page) -> None:
    for chart in ("#by-year-chart", "#burn-up-chart", "#bridge-chart"):
        page.wait_for_selector(f"{chart}[data-drawn='true'] svg", state="attached")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_role_reads_the_reports_figures(
    dashboard: Dashboard, page_as: PageAs, role: str
) -> None:
    page = page_as(dashboard, role)
    page.goto(dashboard.url + "/?year=2015")
    report = cli_report(dashboard, "--year", "2015")
    shown = headline(page)
    target_year = int(page.get_attribute("#target .value", "data-year") or 0)
    # 2015 had already met the 2016 target: the headline is about the next one still open.
    assert target_year == 2018
    assert {k: shown[k] for k in ("realized", "target", "gap")} == expected_headline(
        report, target_year
    )
    assert shown["probability"] == api_probability(page, dashboard.url, target_year, 2015)
    assert by_year_table(page) == expected_years(report)
    assert_charts_drawn(page)


def test_the_form_changes_year_currency_and_calendar(dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(dashboard, "nissan")
    page.goto(dashboard.url + "/")
    default = cli_report(dashboard)
    assert _value(page, "#realized .value") == next(
        y["realized"]["amount"] for y in default["years"] if y["year"] == default["breakdown_year"]
    )
    page.select_option("#year", "2014")
    page.select_option("#currency", "JPY")
    page.select_option("#fiscal_year_of", "NISSAN")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "year=2014" in page.url and "currency=JPY" in page.url
    report = cli_report(
        dashboard, "--year", "2014", "--currency", "JPY", "--fiscal-year-of", "NISSAN"
    )
    assert report["calendar"] == "fiscal year of NISSAN"
    shown = headline(page)
    target_year = int(page.get_attribute("#target .value", "data-year") or 0)
    assert {k: shown[k] for k in ("realized", "target", "gap")} == expected_headline(
        report, target_year
    )
    assert by_year_table(page) == expected_years(report)
    assert page.text_content("#by-year tbody tr:first-child th") == report["years"][0]["label"]
    # The odds do not depend on the currency: the forecast runs from calendar 2014 in EUR.
    assert shown["probability"] == api_probability(page, dashboard.url, target_year, 2014)
    bridge = page.eval_on_selector_all(
        "#bridge tbody tr[data-key]", "trs => trs.map(tr => [tr.dataset.key, "
        "tr.querySelector('td').dataset.value])",
    )  # fmt: skip
    assert bridge == [[b["key"], b["change"]["amount"]] for b in report["bridge"]]
    assert_charts_drawn(page)
    shoot(page, "overview-fiscal-yen-laptop")


@pytest.mark.parametrize("width", ["laptop", "tablet"])
def test_the_overview_is_accessible_at_both_widths(
    dashboard: Dashboard, page_as: PageAs, width: str
) -> None:
    page = page_as(dashboard, "renault", width=width)
    page.goto(dashboard.url + "/?year=2015")
    assert_charts_drawn(page)
    page.click("#by-year-chart + script + details summary")
    shoot(page, f"overview-{width}")
    assert serious_violations(page) == []


# Without a browser: the page's own answers through the application.


@pytest.fixture
def client(dashboard: Dashboard) -> Iterator[TestClient]:
    account = dashboard.account("viewer")
    with TestClient(create_app(dashboard.store)) as test_client:
        test_client.post(
            "/web/login", data={"name": account.name, "password": account.password},
            headers={"Origin": "http://testserver"}, follow_redirects=False,
        )  # fmt: skip
        yield test_client


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("currency=XYZ", "unknown currency &#39;XYZ&#39;"),
        ("fiscal_year_of=TOYOTA", "unknown partner &#39;TOYOTA&#39;"),
        ("year=1990", "no realized synergies in 1990"),
        ("year=next", "query.year"),
    ],
)
def test_bad_options_get_the_apis_status_on_an_error_page(
    client: TestClient, query: str, named: str
) -> None:
    page = client.get(f"/?{query}")
    assert page.status_code == client.get(f"/reports/synergies?{query}").status_code >= 400
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Overview</h1>" not in page.text
    assert named in page.text


def test_a_target_not_ahead_of_the_year_falls_back_with_a_note(client: TestClient) -> None:
    page = client.get("/?year=2017&target_year=2016")
    assert page.status_code == 200
    assert "There is no 2016 target after 2017" in page.text
    assert 'data-year="2022"' in page.text  # 2017 is above the 2018 target: 2022 is next open


def test_the_json_twins_carry_the_pages_options(client: TestClient) -> None:
    page = client.get("/?year=2015&currency=JPY&fiscal_year_of=nissan").text
    assert 'href="/reports/synergies?year=2015&amp;currency=JPY&amp;fiscal_year_of=NISSAN"' in page
    assert 'href="/forecast?target_year=2018&amp;as_of=2015"' in page
    # The forecast names the uncertainty settings it ran on, as its JSON twin does.
    named = client.get("/forecast?target_year=2018&as_of=2015").json()["uncertainty"]
    assert f'<span data-settings="0">{named["described"]}</span>' in page
    # ... and which model terms are on (as of 2015 the history's views switch none on).
    terms = client.get("/forecast?target_year=2018&as_of=2015").json()["terms"]
    assert terms["on"] == [] and '<span data-terms="">Model terms on: none (' in page
    assert client.get("/reports/synergies?year=2015&currency=JPY&fiscal_year_of=NISSAN").is_success
