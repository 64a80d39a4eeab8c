"""The OpenAPI document tells the truth: what its patterns admit the server takes, and a
refusal that the store's state decides is a 404 or a 409, never a 422."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from synergies.domain.text import REFUSED_CATEGORIES
from synergies.schemas.audit import CHECKPOINT_PATTERN
from synergies.schemas.common import NAME_PATTERN, REFUSED_CHARS, TEXT_PATTERN, Amount, Name, Note
from synergies.schemas.forecast import CostBase, SavingPercent
from synergies.schemas.initiatives import Probability, Weight
from synergies.schemas.ledger import EntryIn
from synergies.schemas.structure import Percent
from synergies.services.forecasts import MAX_HORIZON_YEARS


def test_the_schemas_refused_characters_are_those_the_name_rule_refuses() -> None:
    """Written out for a fast start; regenerate REFUSED_CHARS if Python's Unicode changes."""
    refused = re.compile(f"[{REFUSED_CHARS}]")
    differ = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF  # no JSON string holds a lone surrogate
        and bool(refused.match(chr(code)))
        != (unicodedata.category(chr(code)) in REFUSED_CATEGORIES)
    ]
    assert differ == [], f"Unicode {unicodedata.unidata_version}: REFUSED_CHARS is out of date"


def _takes(kind: Any, value: object) -> bool:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_name_or_note_matches_its_pattern_exactly_when_the_server_takes_it(text: str) -> None:
    assert _takes(Name, text) == bool(text and re.fullmatch(NAME_PATTERN, text))
    assert _takes(Note, text) == bool(re.fullmatch(TEXT_PATTERN, text))


DECIMALS = {"amount": Amount, "weight": Weight, "probability": Probability,
            "percent": Percent, "saving": SavingPercent, "cost base": CostBase}  # fmt: skip


@pytest.mark.parametrize("name", DECIMALS)
def test_every_decimal_its_schema_admits_is_taken(name: str) -> None:
    kind = DECIMALS[name]
    text, whole = TypeAdapter(kind).json_schema()["anyOf"][::-1]

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(text["pattern"], fullmatch=True)
           | st.integers(whole["minimum"], whole["maximum"]))  # fmt: skip
    def taken(value: str | int) -> None:
        assert _takes(kind, value), value

    taken()


def test_a_ledger_entry_schema_signs_the_amount_by_category() -> None:
    schema = EntryIn.model_json_schema()
    loss = schema["then"]["properties"]["amount"]["properties"]["amount"]["anyOf"]
    saving = schema["else"]["properties"]["amount"]["properties"]["amount"]["anyOf"]
    assert loss[0]["maximum"] == -1 and saving[0]["minimum"] == 1
    assert re.fullmatch(loss[1]["pattern"], "-12.5") and not re.fullmatch(loss[1]["pattern"], "-0")
    assert re.fullmatch(saving[1]["pattern"], "0.0001")
    assert not re.fullmatch(saving[1]["pattern"], "0.0000")


def test_a_checkpoint_as_the_api_gives_it_matches_its_documented_pattern(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    viewer = as_role["nissan_viewer"]
    given_back = client.get("/audit/checkpoint", headers=viewer)
    for text in (given_back.text, json.dumps(given_back.json())):
        assert re.fullmatch(CHECKPOINT_PATTERN, text), text
        verified = client.get("/audit/verify", params={"against": text}, headers=viewer)
        assert verified.status_code == 200 and verified.json()["intact"] is True


# Python's int() refuses both a superscript digit (read as latin-1) and 5000 digits.
@pytest.mark.parametrize("version", [b"\xb2", b"1" * 5000, b"W/3 4"])
def test_an_if_match_that_is_no_version_is_a_422_never_a_500(
    client: TestClient, as_role: dict[str, dict[str, str]], version: bytes
) -> None:
    headers: dict[str, str | bytes] = {**as_role["admin"], "If-Match": version}
    got = client.post("/initiatives/PUR-900/status", json={"status": None}, headers=headers)
    assert got.status_code == 422 and got.json()["field"] == "If-Match"


STATE_REFUSALS = [
    # (method, path, body, status, field, words of the detail)
    ("POST", "/org/lines", {"person": "ceo", "manager": "ogi-redzic"}, 409, "manager", "cycle"),
    ("POST", "/ownership/shareholdings", {"holder": "MITSUBISHI", "held": "NISSAN",
                                          "percent": "60"}, 409, "percent", "add up to"),
    ("GET", "/reports/synergies?year=2030", None, 404, "year", "no realized synergies"),
    ("GET", "/forecast?as_of=2005&trials=100", None, 404, "as_of", "no realized synergies"),
    ("GET", f"/forecast?target_year={2017 + MAX_HORIZON_YEARS + 1}&trials=100", None, 409,
     "target_year", "spans more than"),
    ("GET", "/payback?until=2000-01", None, 404, "until", "before the first month"),
    ("POST", "/ledger", {"partner": "DAIMLER", "period": "2016-03", "initiative_id": "PUR-001",
                         "amount": {"amount": "1000"}}, 409, "partner", "does not share"),
    ("POST", "/auth/password", {"current_password": "not my password",
                                "new_password": "four unrelated words here"}, 403,
     "current_password", "wrong"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "status", "field", "words"), STATE_REFUSALS)
def test_a_refusal_the_stores_state_decides_is_not_a_bad_request(
    client: TestClient, as_role: dict[str, dict[str, str]], method: str, path: str,
    body: dict[str, object] | None, status: int, field: str, words: str,
) -> None:  # fmt: skip
    got = client.request(method, path, json=body, headers=as_role["admin"])
    problem = got.json()
    assert (got.status_code, problem["field"]) == (status, field), got.text
    assert words in problem["detail"] and problem["fix"]


def test_a_target_year_before_the_latest_realized_one_forecasts_from_the_year_before(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    """Without an as-of year, the forecast starts from the latest realized year before the
    target year: a realized year after the target (or one far-future entry) refuses no one."""
    got = client.get("/forecast?target_year=2016&trials=100", headers=as_role["admin"])
    assert got.status_code == 200, got.text
    assert got.json()["as_of"] == 2015


def test_a_target_year_against_the_as_of_given_stays_a_bad_request(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    got = client.get("/forecast?as_of=2015&target_year=2015&trials=100", headers=as_role["admin"])
    assert got.status_code == 422 and got.json()["field"] == "target_year"
