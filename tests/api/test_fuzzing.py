"""Property-based fuzzing from the OpenAPI schema: no 500, no answer that breaks the schema,
and no request the schema calls valid refused as a bad one (4xx other than 401-404, 409, 429).

Each operation is its own test ("GET /reports/synergies"), so one failing route hides no other
and `-k` picks one. Examples are bounded and reproducible (schemathesis strategies run by
Hypothesis), sent in-process as the alliance admin, the role that may call every route, on
each backend's example alliance holding ten ledger entries at the largest accepted amount.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import CheckContext, Response
from sqlalchemy import create_engine

from synergies.api.app import create_app
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import ledger
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from synergies.storage.types import LIMIT
from tests.api.conftest import bearer, token_for

# Rules between values that no JSON schema can state: each is said in the operation's docs
# and refused with 422 naming its field. A schema-valid request refused otherwise fails.
UNSTATABLE = {
    # The password policy past its length: 5 different characters, not the user's name,
    # not a common password.
    "POST /users": ("password", r"the password (repeats|holds|is in)"),
    "POST /users/{name}/password": ("password", r"the password (repeats|holds|is in)"),
    "POST /auth/password": ("password", r"the password (repeats|holds|is in)"),
    "POST /initiatives": ("allocation", r"fixed shares add up to"),  # a sum over the weights
    "POST /ownership/shareholdings": ("held", r"cannot hold itself"),  # held != holder
    "POST /functions": ("history", r"not in date order"),  # an order over the items
    # The target year after the as_of given, within the horizon.
    "GET /forecast": ("target_year", r"before the first forecast year|spans more than"),
    "POST /forecast/whatif": ("target_year", r"before the first forecast year|spans more than"),
    # A threshold's range depends on the rule's unit (a percentage is at most 100).
    "PUT /alerts/rules/{rule}": ("threshold", r"out of range for"),
    # A workbook's content: the schema says base64 text, not that it holds a valid workbook.
    "POST /imports": (
        "workbook",
        r"not an Excel workbook|is corrupt|password-protected|nothing was imported",
    ),
}


def accepts_schema_valid_data(
    ctx: CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Schemathesis' positive data acceptance, but for the refusals UNSTATABLE lists."""
    if response.status_code == 422 and case.operation.label in UNSTATABLE:
        field, detail = UNSTATABLE[case.operation.label]
        problem = response.json()
        if problem.get("field") == field and re.search(detail, problem.get("detail", "")):
            return None
    return schemathesis.checks.positive_data_acceptance(ctx, response, case)


EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]  # replaced by the one above
ADDED_CHECKS = [accepts_schema_valid_data]
SKIPPED = {"POST /auth/logout"}  # would end the session the rest of the run uses


def _labels() -> list[str]:
    """Every operation's label ("GET /reports/synergies"), read when the tests are collected.

    Writing the OpenAPI document touches no database, so the app's store is never opened.
    """
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(Store(create_engine("sqlite://")))
    )
    labels = [result.ok().label for result in schema.get_all_operations()]
    return [label for label in labels if label not in SKIPPED]


def _largest_amounts(store: Store) -> None:
    """Ten entries at the largest accepted amount: every sum past 64 bits (issue 11 broke on it)."""
    ctx = Context(store, local_operator())
    for month in range(1, 11):
        ledger.add(ctx, LedgerEntry(
            partner="RENAULT", period=Month(2016, month), amount=Money(LIMIT, "EUR"),
            category=Category.cost_reduction, source=EntrySource.entered, author="fuzz",
            recorded_at=datetime.now(UTC), function="purchasing",
        ))  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("label", _labels())
def test_the_operation_keeps_its_contract(api_store: Store, label: str) -> None:
    _largest_amounts(api_store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(api_store))
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is no longer in the schema"
    headers = bearer(token_for(api_store, "admin"))

    @given(case=operation.as_strategy())
    @settings(
        max_examples=20, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def keeps_its_contract(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=headers, excluded_checks=EXCLUDED_CHECKS, additional_checks=ADDED_CHECKS
        )

    keeps_its_contract()
