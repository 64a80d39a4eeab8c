"""The structure pages (convergence, organisation, ownership, agreements): the same figures as
the API, refusals beside their fields, graphs drawn, accessible at both widths."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.services.example import DemoAccount
from synergies.storage.store import Store
from tests.web.conftest import ROLES, WIDTHS, Dashboard, PageAs, serious_violations, shoot

ORIGIN = {"Origin": "http://testserver"}
MOVE = {"function": "sales-marketing", "start": "2016-07-01", "saving_percent": "3",
        "cost_base": "10000000000"}  # fmt: skip
AS_OF = 2015  # the view of March 2016, when converging sales & marketing was under study


class Cells(HTMLParser):
    """The rows of one table on a page: each cell's text and its `data-value`."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # > 0 inside the table
        self.rows: list[list[tuple[str, str | None]]] = []
        self.cell: list[str] | None = None
        self.value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and (self.depth or found.get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell, self.value = [], found.get("data-value")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((" ".join("".join(self.cell).split()), self.value))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, table_id: str) -> list[list[tuple[str, str | None]]]:
    """The body rows of the table `table_id` (the header row left out)."""
    parser = Cells(table_id)
    parser.feed(html)
    assert parser.rows, f"no table #{table_id} on the page"
    return parser.rows[1:]


@pytest.fixture(scope="module")
def client(
    example_store_file: tuple[Path, list[DemoAccount]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app on a copy of the example, signed in as the Nissan viewer (pages and API)."""
    template, made = example_store_file
    copy = tmp_path_factory.mktemp("structure-pages") / "example.db"
    shutil.copyfile(template, copy)
    store = Store.open(f"sqlite:///{copy}")
    viewer = next(a for a in made if a.name == ROLES["viewer"])
    with TestClient(create_app(store)) as signed_in:
        answer = signed_in.post(
            "/web/login", data={"name": viewer.name, "password": viewer.password},
            headers=ORIGIN, follow_redirects=False,
        )  # fmt: skip
        assert answer.status_code == 303
        yield signed_in
    store.engine.dispose()


def test_the_gantt_lists_every_function_with_its_stages_and_executive(client: TestClient) -> None:
    page = client.get("/web/convergence")
    assert page.status_code == 200
    functions = client.get("/functions").json()
    people = {p["id"]: p["name"] for p in client.get("/org/people").json()}
    rows = {row[0][0]: row for row in table(page.text, "functions-table")}
    assert len(rows) == len(functions) == 11
    for f in functions:
        _, executive, stage, stages = rows[f"{f['name']} ({f['code']})"]
        assert executive[0] == (people[f["executive"]] if f["executive"] else "–")
        assert stage[0] == f["stage_today"]
        for event in f["history"]:
            assert f"{event['stage']} from {event['since']}" in stages[0]
    # The chart draws the same documents the table lists.
    assert '"code":"connected-services"' in page.text and "Ogi Redzic" in page.text
    studied = [f["name"] for f in functions if f["stage_today"] == "under study"]
    assert studied and all(
        html.escape(name) in page.text.split('id="studied-heading"')[1] for name in studied
    )


def test_the_what_if_shows_the_api_s_odds_with_and_without_the_move(client: TestClient) -> None:
    page = client.get("/web/convergence", params={**MOVE, "as_of": AS_OF})
    assert page.status_code == 200
    api = client.post(
        "/forecast/whatif", json={"moves": [MOVE], "as_of": AS_OF}, headers=ORIGIN
    ).json()
    shown = {row[0][0]: row for row in table(page.text, "whatif-targets")}
    assert len(shown) == len(api["targets"])
    for target in api["targets"]:
        _, amount, without, with_move, change, _ = shown[str(target["year"])]
        assert amount[1] == target["target"]
        assert (without[1], with_move[1], change[1]) == (
            target["base_probability"], target["scenario_probability"], target["change"],
        )  # fmt: skip
    goal = next(t for t in api["targets"] if t["year"] == 2018)
    assert float(goal["scenario_probability"]) > float(goal["base_probability"])
    years = table(page.text, "whatif-years")
    assert [(r[1][1], r[2][1]) for r in years] == [
        (y["base_p50"], y["scenario_p50"]) for y in api["years"]
    ]


@pytest.mark.parametrize(
    ("change", "field", "fix"),
    [
        ({"function": "marketing-and-sales"}, "function", "use one of: aftersales"),
        ({"start": "2016-13-01"}, "start", "YYYY-MM-DD"),
        ({"saving_percent": "300"}, "saving_percent", "give a percentage of the cost base"),
        ({"saving_percent": "three"}, "saving_percent", "above 0 and at most 100"),
        ({"target_year": "2099"}, "target_year", "give a target year up to"),
    ],
)
def test_a_bad_what_if_is_refused_beside_its_field_with_the_fix(
    client: TestClient, change: dict[str, str], field: str, fix: str
) -> None:
    page = client.get("/web/convergence", params={**MOVE, **change})
    assert 400 <= page.status_code < 500
    assert f'id="whatif-{field}" ' in page.text
    error = page.text.split(f'id="whatif-{field}-error">')[1].split("</p>")[0]
    assert fix in error.replace("&#39;", "'")
    assert f'aria-describedby="whatif-{field}-error"' in page.text
    assert 'id="whatif-targets"' not in page.text  # nothing half-computed is shown


def test_the_org_search_finds_the_joint_executive_and_both_board_members(
    client: TestClient,
) -> None:
    page = client.get("/web/organisation", params={"q": "redž"})  # part of the name, any accent
    assert page.status_code == 200
    found = page.text.split('id="found"')[1].split("</section>")[0]
    lines = client.get("/org/lines").json()
    people = {p["id"]: p for p in client.get("/org/people").json()}
    joint = [ln for ln in lines if ln["person"] == "ogi-redzic"]
    assert {ln["kind"] for ln in joint} == {"joint"} and len(joint) == 2
    assert "Ogi Redzic" in found
    for line in joint:
        manager = people[line["manager"]]
        assert f'data-person="{manager["id"]}">{manager["name"]}</span> (joint line)' in found
    assert {people[ln["manager"]]["company"] for ln in joint} == {"RENAULT", "NISSAN"}
    row = next(r for r in table(page.text, "people-table") if r[0][0].startswith("Ogi Redzic"))
    assert all(people[ln["manager"]]["name"] in row[4][0] for ln in joint)
    assert "did you mean B. Moreau" in client.get("/web/organisation?q=moreu").text


def test_the_ownership_page_shows_the_api_s_look_through_figures(client: TestClient) -> None:
    page = client.get("/web/ownership")
    assert page.status_code == 200
    api = client.get("/ownership").json()
    shown = {(r[0][0], r[1][0]): [v for _, v in r[2:]] for r in table(page.text, "interests-table")}
    held = [i for i in api["interests"] if float(i["effective"]) or float(i["direct"])]
    assert len(shown) == len(held)
    for i in held:
        assert shown[(i["holder"], i["held"])] == [
            i["direct"], i["direct_voting"], i["effective"], i["effective_voting"],
        ]  # fmt: skip
    # The circle counts: Renault's look-through interest in Nissan exceeds its direct stake.
    renault = shown[("RENAULT", "NISSAN")]
    assert float(renault[2]) > float(renault[0])
    assert len(table(page.text, "holdings-table")) == len(api["holdings"])


@pytest.mark.parametrize(("on", "inside"), [("2015-06-01", True), ("2016-06-01", False)])
def test_a_scope_check_gives_the_api_s_answer_and_deciding_clause(
    client: TestClient, on: str, inside: bool
) -> None:
    ask = {"activity": "electric cars", "on": on}
    page = client.get("/web/agreements", params={"agreement": "DAIMLER", **ask})
    api = client.get("/agreements/DAIMLER/scope", params=ask).json()
    assert page.status_code == 200 and api["inside"] is inside
    answer = page.text.split('id="scope-answer"')[1].split("</div>")[0]
    assert f'data-inside="{str(inside).lower()}"' in answer
    assert f'data-reference="{api["clause"]["reference"]}"' in answer
    assert api["reason"].replace("'", "&#39;") in answer
    refused = client.get("/web/agreements", params={"agreement": "DAIMLER", "activity": " ",
                                                    "on": on})  # fmt: skip
    assert refused.status_code == 422 and 'id="scope-activity-error"' in refused.text


def _inside(page: Any, selector: str) -> bool:
    """Is every node of the drawing within the drawing's own bounds (nothing cut off)?"""
    return bool(
        page.evaluate(
            """(sel) => { const svg = document.querySelector(sel + ' svg');
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('.node, .edge-label')].every(n => {
                  const b = n.getBoundingClientRect();
                  return b.left >= box.left - 1 && b.right <= box.right + 1 &&
                         b.top >= box.top - 1 && b.bottom <= box.bottom + 1; }); }""",
            selector,
        )
    )


def _overlapping(page: Any, selector: str) -> list[str]:
    """Pairs of nodes of the drawing whose boxes overlap."""
    return list(
        page.evaluate(
            """(sel) => { const nodes = [...document.querySelectorAll(sel + ' .node')];
                const out = [];
                nodes.forEach((a, i) => nodes.slice(i + 1).forEach(b => {
                  const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
                  if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
                    out.push(a.dataset.id + '/' + b.dataset.id); }));
                return out; }""",
            selector,
        )
    )


# In a real browser: the drawings are there, nothing overlaps or is cut off, axe is content.


def _drawn(page: Any, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-drawn='true'] svg", state="attached")


def test_the_convergence_timeline_is_drawn_at_both_widths(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    for width in WIDTHS:
        page = page_as(dashboard, "viewer", width=width)
        page.goto(dashboard.url + "/web/convergence?" + "&".join(f"{k}={v}" for k, v in MOVE.items())
                  + f"&as_of={AS_OF}")  # fmt: skip
        _drawn(page, "#convergence-timeline")
        bars = page.eval_on_selector_all("#functions-table tbody tr", "rows => rows.length")
        assert bars >= 8
        assert page.locator("#whatif-targets tbody tr").count() >= 1
        shoot(page, f"convergence-{width}")
        assert serious_violations(page) == []


def test_the_org_chart_draws_the_joint_lines_and_marks_the_found(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    for width in WIDTHS:
        page = page_as(dashboard, "viewer", width=width)
        page.goto(dashboard.url + "/web/organisation")
        _drawn(page, "#org-graph")
        page.fill("#org-q", "redzic")
        with page.expect_navigation():
            page.press("#org-q", "Enter")
        _drawn(page, "#org-graph")
        assert page.locator("#org-graph .node.found").count() == 1
        assert page.locator("#org-graph .edge.line-joint").count() == 2
        assert _inside(page, "#org-graph")
        assert _overlapping(page, "#org-graph") == []
        shoot(page, f"organisation-{width}")
        assert serious_violations(page) == []


def test_the_ownership_graph_draws_every_holding(dashboard: Dashboard, page_as: PageAs) -> None:
    for width in WIDTHS:
        page = page_as(dashboard, "viewer", width=width)
        page.goto(dashboard.url + "/web/ownership")
        _drawn(page, "#ownership-graph")
        holdings = page.locator("#holdings-table tbody tr").count()
        assert page.locator("#ownership-graph .edge").count() == holdings
        assert _inside(page, "#ownership-graph")
        assert _overlapping(page, "#ownership-graph") == []
        shoot(page, f"ownership-{width}")
        assert serious_violations(page) == []


def test_the_scope_check_form_answers_in_the_browser(dashboard: Dashboard, page_as: PageAs) -> None:
    for width in WIDTHS:
        page = page_as(dashboard, "viewer", width=width)
        page.goto(dashboard.url + "/web/agreements")
        _drawn(page, "#scope-timeline")
        page.select_option("#scope-agreement", "DAIMLER")
        page.fill("#scope-activity", "electric cars")
        page.fill("#scope-on", "2015-06-01")
        with page.expect_navigation():
            page.click("form[aria-label='Scope check'] button[type=submit]")
        assert page.get_attribute("#scope-answer", "data-inside") == "true"
        _drawn(page, "#scope-timeline")
        shoot(page, f"agreements-{width}")
        assert serious_violations(page) == []
