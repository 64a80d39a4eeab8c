"""Every route x every role: allowed or refused, as ONE table says.

A route without a rule in RULES fails `test_every_route_has_a_rule`, so nobody can add a route
without deciding who may call it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category, Initiative, PlanFigures
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.domain.org import Person
from synergies.domain.partners import Partner
from synergies.services import accounts, initiatives, ledger, plans, structure
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.api.conftest import (
    ACCOUNTS,
    COST_BASE_INITIATIVE,
    PASSWORD,
    SOURCE,
    bearer,
    token_for,
)

ANONYMOUS = "anonymous"
EVERYONE = frozenset({*ACCOUNTS, ANONYMOUS})
SIGNED_IN = frozenset(ACCOUNTS)
ADMIN = frozenset({"admin"})
LEADS = frozenset({"admin", "lead"})
RECORDERS = frozenset({"admin", "lead", "renault_controller"})
RENAULT_CONFIDENTIAL = frozenset({"admin", "clean_team", "renault_controller"})
AUDITORS = frozenset({"admin", "clean_team"})

_n = itertools.count(1)


@dataclass
class Setup:
    """Makes what a call needs (through the services), fresh for every call."""

    ctx: Context
    n: int

    def initiative(self, *, figures: bool = False) -> str:
        rule = AllocationRule(
            AllocationMethod.fixed, (("RENAULT", Decimal(40)), ("NISSAN", Decimal(60)))
        )
        forecast = PlanFigures(Money.of(1_000_000, "EUR"), Money.of(0, "EUR"), Month(2016, 4))
        made = Initiative(
            id=f"MX-{self.n}", name="Matrix test", function="purchasing", owner="D. Girard",
            category=Category.cost_reduction, allocation=rule,
            forecast=forecast if figures else None,
        )  # fmt: skip
        return initiatives.create(self.ctx, made).id

    def entry(self) -> int:
        made = LedgerEntry(
            partner="RENAULT", period=Month(2016, 5), amount=Money.of(1000, "EUR"),
            category=Category.cost_reduction, source=EntrySource.entered, author="setup",
            recorded_at=datetime.now(UTC), initiative_id="PUR-001",
        )  # fmt: skip
        stored = ledger.add(self.ctx, made).id
        assert stored is not None
        return stored

    def partner(self, suffix: str) -> str:
        code = f"MX{self.n}{suffix}"
        structure.add_partner(self.ctx, Partner.create(code, code, "EUR"))
        return code

    def person(self, suffix: str) -> str:
        pid = f"mx-{self.n}-{suffix}"
        structure.add_person(self.ctx, Person(pid, "Matrix Person", "Tester", "RENAULT"))
        return pid

    def admin_token_id(self) -> str:
        issued = accounts.create_token(self.ctx, ACCOUNTS["admin"].name, timedelta(days=1))
        return issued.token.id

    def plan(self) -> str:
        """A freshly locked plan's name, as a URL path segment."""
        return plans.lock(self.ctx, f"matrix plan {self.n}").name.replace(" ", "%20")


Call = tuple[str, dict[str, Any] | None]  # url, JSON body


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    call: Callable[[Setup], Call]
    absent: bool = False  # the example holds none: passing authorization gives 404


def _url(url: str) -> Callable[[Setup], Call]:
    return lambda s: (url, None)


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule(EVERYONE, _url("/health")),
    ("POST", "/auth/login"): Rule(EVERYONE, lambda s: (
        "/auth/login", {"name": ACCOUNTS["admin"].name, "password": PASSWORD})),
    ("POST", "/auth/logout"): Rule(SIGNED_IN, _url("/auth/logout")),
    ("GET", "/auth/me"): Rule(SIGNED_IN, _url("/auth/me")),
    ("GET", "/auth/tokens"): Rule(SIGNED_IN, _url("/auth/tokens")),
    ("POST", "/auth/tokens"): Rule(SIGNED_IN, lambda s: ("/auth/tokens", {"expires_in": "1h"})),
    ("DELETE", "/auth/tokens/{token_id}"): Rule(
        ADMIN, lambda s: (f"/auth/tokens/{s.admin_token_id()}", None)),
    ("GET", "/users"): Rule(ADMIN, _url("/users")),
    ("GET", "/users/{name}"): Rule(ADMIN, _url(f"/users/{ACCOUNTS['admin'].name}")),
    ("POST", "/users"): Rule(ADMIN, lambda s: ("/users", {
        "name": f"new.user{s.n}", "role": "viewer", "password": PASSWORD, "partner": "NISSAN"})),
    ("GET", "/partners"): Rule(SIGNED_IN, _url("/partners")),
    ("GET", "/partners/{code}"): Rule(SIGNED_IN, _url("/partners/RENAULT")),
    ("POST", "/partners"): Rule(ADMIN, lambda s: ("/partners", {
        "code": f"NEW{s.n}", "name": "New partner", "home_currency": "EUR"})),
    ("GET", "/ownership"): Rule(SIGNED_IN, _url("/ownership")),
    ("POST", "/ownership/shareholdings"): Rule(ADMIN, lambda s: ("/ownership/shareholdings", {
        "holder": s.partner("A"), "held": s.partner("B"), "percent": "10"})),
    ("GET", "/agreements"): Rule(SIGNED_IN, _url("/agreements")),
    ("GET", "/agreements/{code}"): Rule(SIGNED_IN, _url("/agreements/DAIMLER")),
    ("GET", "/agreements/{code}/scope"): Rule(SIGNED_IN, _url(
        "/agreements/DAIMLER/scope?activity=electric%20vehicles&on=2016-03-15")),
    ("POST", "/agreements"): Rule(ADMIN, lambda s: ("/agreements", {
        "code": f"AGR{s.n}", "name": "Agreement", "parties": ["RENAULT"],
        "signed": "2016-01-01"})),
    ("GET", "/functions"): Rule(SIGNED_IN, _url("/functions")),
    ("GET", "/functions/{code}"): Rule(SIGNED_IN, _url("/functions/purchasing")),
    ("POST", "/functions"): Rule(ADMIN, lambda s: ("/functions", {
        "code": f"fn-{s.n}", "name": "A function"})),
    ("GET", "/org/people"): Rule(SIGNED_IN, _url("/org/people")),
    ("GET", "/org/people/{person_id}"): Rule(SIGNED_IN, _url("/org/people/ogi-redzic")),
    ("GET", "/org/lines"): Rule(SIGNED_IN, _url("/org/lines")),
    ("POST", "/org/people"): Rule(ADMIN, lambda s: ("/org/people", {
        "id": f"p-{s.n}", "name": "A Person", "title": "Engineer", "company": "RENAULT"})),
    ("POST", "/org/lines"): Rule(ADMIN, lambda s: ("/org/lines", {
        "person": s.person("a"), "manager": s.person("b")})),
    ("GET", "/initiatives"): Rule(SIGNED_IN, _url("/initiatives")),
    ("GET", "/initiatives/{initiative_id}"): Rule(SIGNED_IN, _url("/initiatives/PUR-001")),
    ("POST", "/initiatives"): Rule(LEADS, lambda s: ("/initiatives", {
        "id": f"NEW-{s.n}", "name": "New", "function": "purchasing", "owner": "D. Girard",
        "category": "cost reduction",
        "allocation": {"method": "fixed", "weights": {"RENAULT": 50, "NISSAN": 50}}})),
    ("PUT", "/initiatives/{initiative_id}/figures"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/figures", {"run_rate": "1000000", "start": "2016-04"})),
    ("POST", "/initiatives/{initiative_id}/advance"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/advance", {"to": "L1"})),
    ("POST", "/initiatives/{initiative_id}/approval"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/approval", {"body": "Alliance Board", "on": "2016-03-01"})),
    ("POST", "/initiatives/{initiative_id}/lock-plan"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative(figures=True)}/lock-plan", None)),
    ("POST", "/initiatives/{initiative_id}/status"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/status", {"status": "at risk"})),
    ("PUT", "/initiatives/{initiative_id}/probability"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/probability", {"probability": "0.6"})),
    ("POST", "/initiatives/{initiative_id}/sign-offs"): Rule(
        frozenset({"admin", "renault_controller"}), lambda s: (
            f"/initiatives/{s.initiative()}/sign-offs", {"partner": "RENAULT", "on": "2017-02-01"})),
    ("GET", "/initiatives/{initiative_id}/weights/{partner}"): Rule(RENAULT_CONFIDENTIAL, _url(
        f"/initiatives/{COST_BASE_INITIATIVE}/weights/RENAULT")),
    ("GET", "/targets"): Rule(SIGNED_IN, _url("/targets")),
    ("POST", "/targets"): Rule(ADMIN, lambda s: ("/targets", {
        "year": 2030 + s.n % 150, "amount": {"amount": "1000", "currency": "EUR"},
        "function": f"fn-{s.n}"})),
    ("GET", "/ledger"): Rule(SIGNED_IN, _url("/ledger?limit=5")),
    ("GET", "/ledger/export"): Rule(SIGNED_IN, _url("/ledger/export?partner=RENAULT")),
    ("GET", "/ledger/{entry_id}"): Rule(SIGNED_IN, _url("/ledger/1")),
    ("POST", "/ledger"): Rule(RECORDERS, lambda s: ("/ledger", {
        "partner": "RENAULT", "period": "2016-06", "amount": {"amount": "2500.00"},
        "initiative_id": "PUR-001"})),
    ("POST", "/ledger/{entry_id}/reversal"): Rule(RECORDERS, lambda s: (
        f"/ledger/{s.entry()}/reversal", {"reason": "typed twice"})),
    ("GET", "/reports/synergies"): Rule(SIGNED_IN, _url("/reports/synergies?by=partner")),
    ("GET", "/measurements"): Rule(SIGNED_IN, _url("/measurements")),
    # The source holds both partners' purchasing lines: only who may record for both posts it.
    ("POST", "/measurements"): Rule(LEADS, lambda s: ("/measurements", {"source": SOURCE})),
    ("GET", "/measurements/{run_id}"): Rule(SIGNED_IN, _url("/measurements/1"), absent=True),
    ("GET", "/measurements/{run_id}/detail/{partner}"): Rule(
        RENAULT_CONFIDENTIAL, _url("/measurements/1/detail/RENAULT"), absent=True),
    ("GET", "/audit"): Rule(AUDITORS, _url("/audit?limit=5")),
    ("GET", "/audit/verify"): Rule(SIGNED_IN, _url("/audit/verify")),
    ("GET", "/forecast"): Rule(SIGNED_IN, _url("/forecast?as_of=2015&trials=500")),
    ("POST", "/forecast/whatif"): Rule(SIGNED_IN, lambda s: ("/forecast/whatif", {
        "moves": [{"function": "sales-marketing", "start": "2016-07-01", "saving_percent": "3",
                   "cost_base": "10000000000"}], "as_of": 2015, "trials": 500})),
    ("GET", "/payback"): Rule(SIGNED_IN, _url("/payback?initiative=ENG-006")),
    ("GET", "/plans"): Rule(SIGNED_IN, _url("/plans")),
    ("POST", "/plans"): Rule(LEADS, lambda s: ("/plans", {"name": f"plan {s.n}"})),
    ("GET", "/plans/{name}"): Rule(SIGNED_IN, lambda s: (f"/plans/{s.plan()}", None)),
    ("GET", "/plans/{name}/compare"): Rule(SIGNED_IN, lambda s: (
        f"/plans/{s.plan()}/compare?year=2016", None)),
}  # fmt: skip


def _routes(client: TestClient) -> set[tuple[str, str]]:
    """Every operation the app serves, as its OpenAPI schema lists them."""
    paths = client.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_has_a_rule(client: TestClient) -> None:
    routes = _routes(client)
    assert routes - RULES.keys() == set(), "routes without a rule: add them to RULES"
    assert RULES.keys() - routes == set(), "rules for routes that do not exist"


def _outcome(client: TestClient, store: Store, role: str, method: str, rule: Rule) -> int:
    setup = Setup(Context(store, local_operator()), next(_n))
    url, body = rule.call(setup)
    headers = {} if role == ANONYMOUS else bearer(token_for(store, role))
    client.cookies.clear()
    return client.request(method, url, json=body, headers=headers).status_code


def test_each_role_gets_what_the_table_says(client: TestClient, api_store: Store) -> None:
    wrong = []
    for (method, path), rule in RULES.items():
        for role in sorted(EVERYONE):
            status = _outcome(client, api_store, role, method, rule)
            if role in rule.allowed:
                expected = "2xx"
                ok = 200 <= status < 300 or (rule.absent and status == 404)
            else:
                expected = "401" if role == ANONYMOUS else "403"
                ok = str(status) == expected
            if not ok:
                wrong.append(f"{method} {path} as {role}: {status}, expected {expected}")
    assert wrong == []
