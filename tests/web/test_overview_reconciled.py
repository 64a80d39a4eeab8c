"""The overview says what is measured and what is declared: after a measurement is posted,
its "Declared and measured" table holds the report's reconciled figures, year by year."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.measurement.generate import generate_purchases
from synergies.services import measurement
from synergies.services.context import Context
from synergies.services.example import DemoAccount
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.web.conftest import ROLES
from tests.web.test_structure_pages import ORIGIN, client, table

__all__ = ["client"]  # the example signed in, nothing measured: a fixture shared here


@pytest.fixture(scope="module")
def measured(
    example_store_file: tuple[Path, list[DemoAccount]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The example with 20,000 generated purchase lines posted, signed in as a viewer."""
    template, made = example_store_file
    folder = tmp_path_factory.mktemp("overview-measured")
    shutil.copyfile(template, folder / "example.db")
    generate_purchases(folder / "lines", 20_000, seed=5)
    store = Store.open(f"sqlite:///{folder / 'example.db'}")
    measurement.post_source(Context(store, local_operator()), folder / "lines")
    viewer = next(a for a in made if a.name == ROLES["viewer"])
    with TestClient(create_app(store)) as signed_in:
        answer = signed_in.post(
            "/web/login", data={"name": viewer.name, "password": viewer.password},
            headers=ORIGIN, follow_redirects=False,
        )  # fmt: skip
        assert answer.status_code == 303
        yield signed_in
    store.engine.dispose()


def test_the_overview_shows_declared_against_measured_as_the_report_does(
    measured: TestClient,
) -> None:
    report = measured.get("/reports/synergies").json()
    page = measured.get("/?year=2015")
    assert page.status_code == 200
    shown = {
        int(row[0][0]): [Decimal(value or "") for _, value in row[1:]]
        for row in table(page.text, "reconciled")
    }
    fields = ("measured", "declared_confirmed", "difference", "declared_only")
    expected = {
        y["year"]: [Decimal(y["reconciled"][f]["amount"]) for f in fields]
        for y in report["years"] if Decimal(y["reconciled"]["measured"]["amount"])
    }  # fmt: skip
    assert 2015 in expected and shown == expected
    assert "reconciled-none" not in page.text


def test_with_nothing_measured_the_overview_says_every_figure_is_declared(
    client: TestClient,
) -> None:
    page = client.get("/?year=2015")
    assert 'id="reconciled-none"' in page.text and 'id="reconciled"' not in page.text


def test_an_initiative_page_shows_its_years_declared_against_measured(
    measured: TestClient,
) -> None:
    """PUR-001's page: each year a measurement stands for, as the report's by-initiative
    line for it says (what counts, measured, declared for the same cells, the difference)."""
    page = measured.get("/web/initiatives/PUR-001")
    assert page.status_code == 200
    shown = {
        int(row[0][0]): [Decimal(value or "") for _, value in row[1:]]
        for row in table(page.text, "reconciled")
    }
    expected = {}
    for year in (2014, 2015, 2016, 2017):
        report = measured.get(f"/reports/synergies?year={year}&by=initiative").json()
        line = next(b for b in report["breakdown"] if b["key"] == "PUR-001")
        r = line["reconciled"]
        expected[year] = [Decimal(line["realized"]["amount"])] + [
            Decimal(r[f]["amount"])
            for f in ("measured", "declared_confirmed", "difference", "declared_only")
        ]
    assert shown == expected
    assert all(measured_ < confirmed for _, measured_, confirmed, *_ in shown.values())
