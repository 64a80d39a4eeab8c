"""No problem the API answers names a command-line flag or a shell command.

The inner layers name the input as the service takes it (`currency`, `fiscal_year_of`,
`reason`...); only the CLI turns that into its own `--currency`. Each request below is refused
for a different reason; every problem document it gets is scanned."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
# The words of an error do not depend on the engine: one store type keeps the table quick.
pytestmark = pytest.mark.parametrize("example_url", ["sqlite"], indirect=True)
# A flag (`--currency`), or the command with a subcommand (`synergies init`): not the word
# in "no realized synergies in 2030".
FLAG = re.compile(r"--[a-z]")
COMMAND = re.compile(
    r"\bsynergies (init|demo|db|report|ledger|initiatives?|users?|tokens?|login|measure|"
    r"measurements?|audit|forecast|what-?if|payback|serve|org|ownership|scope|functions?|"
    r"partners?|generate|agreements?|targets?|plans?|fx)\b"
)


@dataclass(frozen=True)
class Bad:
    """A request that must be refused, as `role`, after the `before` requests succeed."""

    method: str
    path: str
    body: dict[str, object] | None = None
    role: str = "admin"
    before: tuple[tuple[str, str, dict[str, object] | None], ...] = field(default=())


def _entry(**change: object) -> dict[str, object]:
    body: dict[str, object] = {"partner": "RENAULT", "period": "2016-03",
                               "amount": {"amount": "5", "currency": "EUR"}}  # fmt: skip
    return {**body, **change}


PUR_900_AT_L1 = (("POST", "/initiatives/PUR-900/advance", {"to": "L1"}),)
BAD = {
    "report in an unknown currency": Bad("GET", "/reports/synergies?currency=XYZ"),
    "report in a malformed currency": Bad("GET", "/reports/synergies?currency=EURO"),
    "report by an unknown partner's years": Bad("GET", "/reports/synergies?fiscal_year_of=PEUGEOT"),
    "report of a year with nothing realized": Bad("GET", "/reports/synergies?year=2030"),
    "report of a year out of range": Bad("GET", "/reports/synergies?year=1800"),
    "report by an unknown breakdown": Bad("GET", "/reports/synergies?by=country"),
    "ledger of an unknown source": Bad("GET", "/ledger?source=typed"),
    "ledger filtered by odd text": Bad("GET", "/ledger?partner=a%20b"),
    "unknown entry": Bad("GET", "/ledger/999999"),
    "entry of an unknown partner": Bad("POST", "/ledger", _entry(partner="PEUGEOT")),
    "entry in no month": Bad("POST", "/ledger", _entry(period="2016-13")),
    "entry of no number": Bad("POST", "/ledger", _entry(amount={"amount": "5x"})),
    "entry in an unknown currency": Bad("POST", "/ledger", _entry(amount={"amount": "5", "currency": "EURO"})),
    "entry of zero": Bad("POST", "/ledger", _entry(amount={"amount": "0"})),
    "negative saving": Bad("POST", "/ledger", _entry(amount={"amount": "-5"})),
    "positive dis-synergy": Bad("POST", "/ledger", _entry(category="dis-synergy")),
    "entry of an unknown initiative": Bad("POST", "/ledger", _entry(initiative_id="NOPE-1")),
    "entry of a partner not sharing": Bad("POST", "/ledger", _entry(partner="DAIMLER", initiative_id="PUR-002")),
    "entry with an unknown field": Bad("POST", "/ledger", _entry(note="x")),
    "entry by a viewer": Bad("POST", "/ledger", _entry(), role="nissan_viewer"),
    "reversal without a reason": Bad("POST", "/ledger/1/reversal", {"reason": "   "}),
    "reversal with no body": Bad("POST", "/ledger/1/reversal", {}),
    "reversal twice": Bad("POST", "/ledger/1/reversal", {"reason": "again"},
                          before=(("POST", "/ledger/1/reversal", {"reason": "booked twice"}),)),
    "reversal of an unknown entry": Bad("POST", "/ledger/999999/reversal", {"reason": "x"}),
    "gate skipped": Bad("POST", "/initiatives/PUR-900/advance", {"to": "L2"}),
    "gate refused": Bad("POST", "/initiatives/PUR-900/advance", {"to": "L2"}, before=PUR_900_AT_L1),
    "gate of an unknown stage": Bad("POST", "/initiatives/PUR-900/advance", {"to": "L9"}),
    "approval by nobody": Bad("POST", "/initiatives/PUR-900/approval", {"body": "  ", "on": "2016-01-04"}),
    "lock without a business case": Bad("POST", "/initiatives/PUR-900/lock-plan"),
    "negative run-rate": Bad("PUT", "/initiatives/PUR-900/figures", {"run_rate": "-5", "start": "2016-04"}),
    "negative ramp": Bad("PUT", "/initiatives/PUR-900/figures", {"run_rate": "5", "start": "2016-04", "ramp_months": -1}),
    "probability above one": Bad("PUT", "/initiatives/PUR-900/probability", {"probability": "1.5"}),
    "sign-off for a partner not sharing": Bad("POST", "/initiatives/PUR-900/sign-offs",
                                             {"partner": "DAIMLER", "on": "2016-01-04"}, role="renault_controller"),
    "sign-off by a non-controller": Bad("POST", "/initiatives/PUR-900/sign-offs",
                                       {"partner": "RENAULT", "on": "2016-01-04"}, role="lead"),
    "initiative of an unknown function": Bad("POST", "/initiatives", {
        "id": "XYZ-001", "name": "x", "function": "nope", "owner": "x", "category": "cost reduction",
        "allocation": {"method": "fixed", "weights": {"RENAULT": "100"}}}),
    "unknown initiative": Bad("POST", "/initiatives/NOPE-1/advance", {"to": "L1"}),
    "controller of no partner": Bad("POST", "/users", {"name": "cara.x", "role": "controller",
                                                       "password": "long enough password"}),
    "function lead of no function": Bad("POST", "/users", {"name": "fred.x", "role": "function lead",
                                                           "partner": "RENAULT", "password": "long enough password"}),
    "token for ever": Bad("POST", "/auth/tokens", {"expires_in": "forever"}),
    "token for minus a day": Bad("POST", "/auth/tokens", {"expires_in": "-1d"}),
    "login with a wrong password": Bad("POST", "/auth/login", {"name": "ada.admin", "password": "wrong"}),
    "unknown measurement run": Bad("GET", "/measurements/999"),
    "measurement of no source": Bad("POST", "/measurements", {"source": "nowhere"}),
    "measurement in an unknown currency": Bad("POST", "/measurements", {"source": "purchases", "reporting_currency": "XYZ"}),
    "forecast from a year with nothing realized": Bad("GET", "/forecast?as_of=2030&trials=1000"),
    "forecast of too few trials": Bad("GET", "/forecast?trials=0"),
    "payback of an unknown initiative": Bad("GET", "/payback?initiative=NOPE-1"),
    "what-if of no move": Bad("POST", "/forecast/whatif", {"moves": [{"initiative": "NOPE-1"}]}),
    "unknown partner": Bad("GET", "/partners/PEUGEOT"),
    "partner in an unknown currency": Bad("POST", "/partners", {"code": "PSA", "name": "PSA", "home_currency": "XYZ"}),
    "scope on no day": Bad("GET", "/agreements/DAIMLER/scope?activity=engines&on=2016-02-30"),
    "stake over 100%": Bad("POST", "/ownership/shareholdings", {"holder": "DAIMLER", "held": "NISSAN", "percent": "60"}),
    "stake of an unknown holder": Bad("POST", "/ownership/shareholdings", {"holder": "PEUGEOT", "held": "NISSAN", "percent": "5"}),
    "reporting line in a cycle": Bad("POST", "/org/lines", {"person": "ceo", "manager": "ogi-redzic"}),
    "target in an unknown currency": Bad("POST", "/targets", {"year": 2030, "amount": {"amount": "5", "currency": "XYZ"}}),
    "unknown plan": Bad("GET", "/plans/nope/compare"),
    "unknown user": Bad("GET", "/users/nobody"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_refusal_names_fields_not_flags(
    client: TestClient, as_role: dict[str, dict[str, str]], case: str
) -> None:
    bad = BAD[case]
    for method, path, body in bad.before:
        done = client.request(method, path, json=body, headers=as_role["admin"])
        assert done.status_code < 400, done.text
    got = client.request(bad.method, bad.path, json=bad.body, headers=as_role[bad.role])
    assert got.status_code >= 400, got.text
    assert got.headers["content-type"] == PROBLEM
    problem = got.json()
    texts = [problem.get("detail"), problem.get("field"), problem.get("fix")]
    texts += [e.get("message") for e in problem.get("errors") or []]
    named = [t for t in texts if t and (FLAG.search(t) or COMMAND.search(t))]
    assert named == [], problem
