"""The ledger and measurement pages: the API's entries and totals, reversals shown as such,
and a measurement run's confidential line detail only for those allowed to read it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synergies.domain.ledger import EntryFilter, EntrySource
from synergies.measurement.generate import generate_purchases
from synergies.services import ledger, measurement
from synergies.services.context import Context
from synergies.services.security import local_operator
from tests.web.conftest import Dashboard, PageAs, serious_violations, shoot, signed_in

FILTER = "partner=RENAULT&source=published&sort=-amount"


def shown_entries(html: str) -> list[tuple[int, Decimal]]:
    """(entry, amount) of each row of the page's entries table, in order."""
    rows = re.findall(
        r'<tr id="entry-(\d+)".*?<td class="num"><span data-value="([^"]+)"', html, re.S
    )
    return [(int(i), Decimal(a)) for i, a in rows]


def attribute(html: str, marker: str) -> str:
    found = re.search(rf'{marker}[^>]*data-value="([^"]*)"', html)
    assert found, f"no {marker} on the page"
    return found.group(1)


def all_api_items(web: TestClient, query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = web.get(f"/ledger?{query}&limit=1000&offset={len(items)}").json()
        items += page["items"]
        if len(items) >= page["total"]:
            return items


def test_a_ledger_page_lists_the_apis_entries_and_totals_the_whole_filter(
    dashboard: Dashboard,
) -> None:
    web = signed_in(dashboard, "viewer")
    html = web.get(f"/web/ledger?{FILTER}&limit=25&offset=50").text
    api = web.get(f"/ledger?{FILTER}&limit=25&offset=50").json()
    assert shown_entries(html) == [(e["id"], Decimal(e["amount"]["amount"])) for e in api["items"]]
    assert int(attribute(html, 'id="total-entries"')) == api["total"] > 75
    # The totals are of every entry the filter selects, not of this page.
    every = all_api_items(web, FILTER)
    synergies = sum(
        Decimal(e["amount"]["amount"]) for e in every if e["category"] != "one-off cost"
    )
    assert Decimal(attribute(html, 'class="note total-synergies" data-currency="EUR"')) == synergies
    ctx = Context(dashboard.store, local_operator())
    where = EntryFilter(partner="RENAULT", source=EntrySource.published)
    assert ledger.entry_page(ctx, where).totals[0].amount == synergies


def test_paging_walks_through_the_filtered_entries_in_the_apis_order(
    dashboard: Dashboard,
) -> None:
    web = signed_in(dashboard, "lead")
    query = "initiative=PUR-001&sort=period"
    expected = [(e["id"], Decimal(e["amount"]["amount"])) for e in all_api_items(web, query)]
    seen: list[tuple[int, Decimal]] = []
    url: str | None = f"/web/ledger?{query}&limit=7"
    while url:
        html = web.get(url).text
        seen += shown_entries(html)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert len(seen) <= len(expected)
    assert seen == expected and len(expected) > 7
    assert 'rel="prev"' in html  # the last page leads back


def test_a_bad_filter_is_named_on_the_page(dashboard: Dashboard) -> None:
    answer = signed_in(dashboard, "viewer").get("/web/ledger?source=rumoured")
    assert answer.status_code == 422
    assert "rumoured" in answer.text and 'role="alert"' in answer.text


def test_a_reversal_is_shown_as_such_and_links_to_the_entry_it_cancels(
    writable_dashboard: Dashboard,
) -> None:
    ctx = Context(writable_dashboard.store, local_operator())
    original = ledger.entries(ctx, EntryFilter(initiative="PUR-001", partner="NISSAN"))[0]
    assert original.id is not None
    reversal = ledger.reverse(ctx, original.id, "booked in the wrong month")
    web = signed_in(writable_dashboard, "nissan")
    html = web.get("/web/ledger?initiative=PUR-001&partner=NISSAN&limit=1000").text
    row = re.search(rf'<tr id="entry-{reversal.id}" class="reversal">.*?</tr>', html, re.S)
    assert row and f'href="/web/ledger/{original.id}" class="reverses"' in row.group(0)
    assert f'<tr id="entry-{original.id}" class=" reversed">' in html
    assert f'by <a href="/web/ledger/{reversal.id}">' in html
    # The reversal nets the original out of the totals.
    where = EntryFilter(initiative="PUR-001", partner="NISSAN")
    total = ledger.entry_page(ctx, where).totals[0].amount
    assert Decimal(attribute(html, 'class="note total-synergies" data-currency="EUR"')) == total
    detail = web.get(f"/web/ledger/{reversal.id}").text
    assert f'This entry cancels <a href="/web/ledger/{original.id}">' in detail
    assert "booked in the wrong month" in detail


def test_the_ledger_in_a_browser(dashboard: Dashboard, page_as: PageAs) -> None:
    for width in ("laptop", "tablet"):
        page = page_as(dashboard, "renault", width=width)
        page.goto(dashboard.url + "/web/ledger?limit=20")
        page.select_option("#f-source", "published")
        page.select_option("#f-function", "purchasing")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert "source=published" in page.url and "function=purchasing" in page.url
        assert page.locator("table.entries tbody tr").count() > 0
        shoot(page, f"ledger-{width}")
        assert serious_violations(page) == []


def test_year_and_category_select_what_the_api_selects(dashboard: Dashboard) -> None:
    web = signed_in(dashboard, "viewer")
    query = "year=2015&category=cost+reduction&sort=id"
    html = web.get(f"/web/ledger?{query}&limit=1000").text
    expected = all_api_items(web, query)
    assert shown_entries(html) == [(e["id"], Decimal(e["amount"]["amount"])) for e in expected]
    assert expected and {(e["period"][:4], e["category"]) for e in expected} == {
        ("2015", "cost reduction")
    }
    assert '<option value="2015" selected>' in html
    assert '<option value="cost reduction" selected>' in html
    refused = web.get("/web/ledger?year=20015")
    assert refused.status_code == 422 and 'role="alert"' in refused.text


# --- measurement runs ---


@pytest.fixture
def run_id(writable_dashboard: Dashboard, tmp_path: Path) -> int:
    """A measurement of a generated purchasing source, posted to the dashboard's store."""
    source = generate_purchases(tmp_path / "purchases", 400, seed=11, fmt="csv")
    posted = measurement.post_source(Context(writable_dashboard.store, local_operator()), source)
    assert posted.run_id is not None and posted.entries_added > 0
    return posted.run_id


def secrets_of(board: Dashboard, run: int, partner: str) -> list[str]:
    """Text only the partner's detail holds: its double-claimed lines, its leakage caption."""
    detail = measurement.run_detail(Context(board.store, local_operator()), run, partner)
    lines = [line["line_id"] for line in detail["double_claimed_lines"]]
    assert lines and detail["leakage"], "the generated source has double claims and leakage"
    return [*lines, f"Months in which {partner} paid above the contract price"]


@pytest.mark.parametrize(
    ("role", "sees", "not_seen"),
    [
        ("renault", ["RENAULT"], ["NISSAN"]),
        ("nissan", ["NISSAN"], ["RENAULT"]),
        ("clean_team", ["RENAULT", "NISSAN"], []),
        ("viewer", [], ["RENAULT", "NISSAN"]),
    ],
)
def test_a_runs_line_detail_reaches_only_those_allowed(
    writable_dashboard: Dashboard, run_id: int, role: str, sees: list[str], not_seen: list[str]
) -> None:
    web = signed_in(writable_dashboard, role)
    answer = web.get(f"/web/measurements/{run_id}")
    assert answer.status_code == 200
    html = answer.text
    public = web.get(f"/measurements/{run_id}").json()
    assert public["summary"]["hard_savings"]["net"] in html.replace(",", "")
    assert public["fingerprint"]["tables"]["purchase_lines"]["files"][0]["sha256"] in html
    for partner in sees:
        assert all(text in html for text in secrets_of(writable_dashboard, run_id, partner))
        assert f"/measurements/{run_id}/detail/{partner}" in html
    for partner in not_seen:
        assert not any(t in html for t in secrets_of(writable_dashboard, run_id, partner))
        assert f"/measurements/{run_id}/detail/{partner}" not in html
        assert f"Confidential to {partner}'s controllers" in html


def test_a_measured_entry_links_to_the_run_that_posted_it(
    writable_dashboard: Dashboard, run_id: int
) -> None:
    web = signed_in(writable_dashboard, "viewer")
    html = web.get("/web/ledger?source=measured&limit=5").text
    assert len(shown_entries(html)) == 5
    assert html.count(f'<a href="/web/measurements/{run_id}" class="run">') == 5
    entry = shown_entries(html)[0][0]
    assert f'href="/web/measurements/{run_id}"' in web.get(f"/web/ledger/{entry}").text


def test_the_runs_list_names_each_run(writable_dashboard: Dashboard, run_id: int) -> None:
    web = signed_in(writable_dashboard, "viewer")
    html = web.get("/web/measurements").text
    run = web.get("/measurements").json()["items"][0]
    assert f'href="/web/measurements/{run_id}"' in html
    assert run["method_version"] in html and f">{run['entries_added']} added<" in html
    assert web.get("/web/measurements/999").status_code == 404


def test_a_run_in_a_browser(writable_dashboard: Dashboard, run_id: int, page_as: PageAs) -> None:
    for width in ("laptop", "tablet"):
        page = page_as(writable_dashboard, "renault", width=width)
        page.goto(f"{writable_dashboard.url}/web/measurements/{run_id}")
        page.wait_for_selector("#monthly[data-drawn=true]")
        assert "not shown to you" in page.inner_text("#detail-NISSAN")
        assert "Leakage" in page.inner_text("#detail-RENAULT")
        shoot(page, f"measurement-{width}")
        assert serious_violations(page) == []
    page.goto(f"{writable_dashboard.url}/web/measurements")
    shoot(page, "measurements-tablet")
    assert serious_violations(page) == []
