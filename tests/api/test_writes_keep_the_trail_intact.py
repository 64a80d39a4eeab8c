"""Every write route of the API (POST, PUT, PATCH, DELETE, as the OpenAPI schema lists them),
called once by a role allowed to, leaves `audit verify` intact. The calls are the
authorization matrix's (tests/api/test_authorization_matrix.py), which fails for a route
without one: so does this test."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from synergies.forecasting.backtest import Uncertainty
from synergies.forecasting.versions import SettingsVersion
from synergies.services import audit_trail, forecast_settings
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage import sealed
from synergies.storage.store import Store
from tests.api.conftest import bearer
from tests.api.test_authorization_matrix import (  # noqa: F401 - its fixture too
    ROLES,
    RULES,
    Rule,
    Setup,
    _routes,
    _token,
    extra_accounts,
)
from tests.workbooks.workbook_files import workbook_json

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# The matrix checks rights with calls that change nothing where it can; here they must write.
WRITING = {
    ("POST", "/imports"): Rule(
        RULES["POST", "/imports"].allowed, lambda s: ("/imports", workbook_json())
    ),
}


def _caller(rule: Rule) -> str:
    return "admin" if "admin" in rule.allowed else sorted(rule.allowed & ROLES.keys())[0]


@pytest.mark.usefixtures("extra_accounts")
def test_every_write_route_leaves_the_trail_intact(client: TestClient, api_store: Store) -> None:
    admin = Context(api_store, local_operator())
    # A version to reset from: the settings routes then write (the example's are the defaults).
    forecast_settings.record(admin, SettingsVersion(0, Uncertainty(spread=1.5)))
    writes = sorted(r for r in _routes(client) if r[0] in WRITES)
    assert len(writes) > 30 and set(writes) <= RULES.keys()
    for n, (method, path) in enumerate(writes):
        rule = WRITING.get((method, path), RULES[method, path])
        url, body = rule.call(Setup(admin, n + 1000))
        client.cookies.clear()
        headers = bearer(_token(api_store, _caller(rule)))
        status = client.request(method, url, json=body, headers=headers).status_code
        assert (
            200 <= status < 300
            or (rule.absent and status == 404)
            or (rule.refused and status == 409)
        ), f"{method} {path}: {status}"
    found = audit_trail.verification(admin)
    assert [(p.subject, p.problem) for p in found.problems] == []
    assert found.tables_sealed == len(sealed.SEALED)
