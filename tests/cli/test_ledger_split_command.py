"""`synergies ledger add --partner ALLIANCE`: the alliance's amount, split by the initiative's
rule into one entry per partner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Invoke


@pytest.fixture
def store(example_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SYNERGIES_DB", example_url)
    return example_url


def test_an_alliance_amount_is_split_by_the_initiatives_rule(cli: Invoke, store: str) -> None:
    added = cli("ledger", "add", "--partner", "alliance", "--period", "2016-03", "--amount",
                "100.00", "--initiative", "HR-001", "--reason", "shared HR services")  # fmt: skip
    assert added.code == 0, added.err
    assert "by fixed shares RENAULT=45, NISSAN=55" in added.out
    assert "45.00 EUR for RENAULT" in added.out and "55.00 EUR for NISSAN" in added.out
    rows = json.loads(cli("ledger", "--initiative", "HR-001", "--format", "json").out)[-2:]
    assert [(r["partner"], r["amount"]["amount"], r["source"]) for r in rows] == [
        ("RENAULT", "45.00", "entered"), ("NISSAN", "55.00", "entered"),
    ]  # fmt: skip
    yen = cli("ledger", "add", "--partner", "ALLIANCE", "--period", "2016-03", "--amount",
              "1001", "--currency", "JPY", "--initiative", "HR-001")  # fmt: skip
    assert "450 JPY for RENAULT" in yen.out and "551 JPY for NISSAN" in yen.out


def test_a_split_needs_the_initiative_whose_rule_splits_it(cli: Invoke, store: str) -> None:
    refused = cli("ledger", "add", "--partner", "ALLIANCE", "--period", "2016-03", "--amount",
                  "100.00", "--function", "purchasing")  # fmt: skip
    assert refused.code == 2
    assert "initiative" in refused.err
