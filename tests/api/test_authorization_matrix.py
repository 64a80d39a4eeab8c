"""Every route x every role: allowed or refused, as ONE table says.

A route without a rule in RULES fails `test_every_route_has_a_rule`, so nobody can add a route
without deciding who may call it. SCOPED adds the same routes on other partners' and
functions' data (and on none: alliance-wide), where the answer depends on who one acts for.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synergies.domain.accounts import Role
from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category, Initiative, PlanFigures, Stage
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.domain.org import Person
from synergies.domain.partners import Partner
from synergies.services import accounts, initiatives, ledger, plans, structure
from synergies.services.context import Context
from synergies.services.security import Actor, local_operator
from synergies.storage.store import Store
from tests.api.conftest import (
    ACCOUNTS,
    COST_BASE_INITIATIVE,
    PASSWORD,
    SOURCE,
    Account,
    bearer,
)
from tests.workbooks.workbook_files import workbook_json

# Beside the shared accounts: an approver, a purchasing lead of the other partner, and a lead
# of another function.
EXTRA = {
    "approver": Account("alba.approver", Role.approver, "RENAULT"),
    "nissan_lead": Account("nao.lead", Role.function_lead, "NISSAN", ("purchasing",)),
    "engineering_lead": Account("eli.lead", Role.function_lead, "RENAULT", ("engineering",)),
}
ROLES = {**ACCOUNTS, **EXTRA}
ANONYMOUS = "anonymous"
EVERYONE = frozenset({*ROLES, ANONYMOUS})
SIGNED_IN = frozenset(ROLES)
ADMIN = frozenset({"admin"})
ALL_LEADS = frozenset({"admin", "lead", "nissan_lead", "engineering_lead"})
# A purchasing initiative shared by RENAULT and NISSAN: its function's leads of either partner.
LEADS = frozenset({"admin", "lead", "nissan_lead"})
APPROVERS = frozenset({"admin", "approver"})  # neither owner nor proposer of the initiative
# A RENAULT purchasing entry: the RENAULT purchasing lead and RENAULT's controller.
RECORDERS = frozenset({"admin", "lead", "renault_controller"})
TODAY = datetime.now(UTC).date().isoformat()
RENAULT_CONFIDENTIAL = frozenset({"admin", "clean_team", "renault_controller"})
AUDITORS = frozenset({"admin", "clean_team"})

_n = itertools.count(1)


@dataclass
class Setup:
    """Makes what a call needs (through the services), fresh for every call."""

    ctx: Context
    n: int

    def initiative(
        self, *, figures: bool = False, at: Stage = Stage.L0, function: str = "purchasing"
    ) -> str:
        """An initiative the local operator proposed, passed through the gates up to `at`."""
        rule = AllocationRule(
            AllocationMethod.fixed, (("RENAULT", Decimal(40)), ("NISSAN", Decimal(60)))
        )
        forecast = PlanFigures(Money.of(1_000_000, "EUR"), Money.of(0, "EUR"), Month(2016, 4))
        made = Initiative(
            id=f"MX-{self.n}", name="Matrix test", function=function, owner="D. Girard",
            category=Category.cost_reduction, allocation=rule,
            forecast=forecast if figures or at.rank >= Stage.L2.rank else None,
        )  # fmt: skip
        initiative_id = initiatives.create(self.ctx, made).id
        for stage in Stage:
            if 0 < stage.rank <= at.rank:
                self._prepare(initiative_id, stage)
                initiatives.advance(self.ctx, initiative_id, stage)
        return initiative_id

    def _prepare(self, initiative_id: str, stage: Stage) -> None:
        if stage is Stage.L3:
            board = Context(self.ctx.store, Actor("matrix.board", Role.approver))
            today = datetime.now(UTC).date()
            initiatives.approve(board, initiative_id, "Alliance Board", today)
            initiatives.lock_plan(self.ctx, initiative_id)

    def entry(self, partner: str = "RENAULT", initiative: str | None = "PUR-001") -> int:
        made = LedgerEntry(
            partner=partner, period=Month(2016, 5), amount=Money.of(1000, "EUR"),
            category=Category.cost_reduction, source=EntrySource.entered, author="setup",
            recorded_at=datetime.now(UTC), initiative_id=initiative,
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

    def user(self, *, active: bool = True) -> str:
        """A fresh viewer's name, for calls that change an account."""
        name = f"mx.user{self.n}"
        viewer = accounts.role_named("viewer")
        accounts.add_user(self.ctx, name, viewer, PASSWORD, partner="NISSAN")
        if not active:
            accounts.deactivate(self.ctx, name)
        return name

    def plan(self) -> str:
        """A freshly locked plan's name, as a URL path segment."""
        return plans.lock(self.ctx, f"matrix plan {self.n}").name.replace(" ", "%20")


Call = tuple[str, dict[str, Any] | None]  # url, JSON body


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    call: Callable[[Setup], Call]
    absent: bool = False  # the example holds none: passing authorization gives 404
    refused: bool = False  # the example refuses it: passing authorization gives 409


def _url(url: str) -> Callable[[Setup], Call]:
    return lambda s: (url, None)


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule(EVERYONE, _url("/health")),
    ("POST", "/auth/login"): Rule(EVERYONE, lambda s: (
        "/auth/login", {"name": ACCOUNTS["admin"].name, "password": PASSWORD})),
    ("POST", "/auth/logout"): Rule(SIGNED_IN, _url("/auth/logout")),
    ("GET", "/auth/me"): Rule(SIGNED_IN, _url("/auth/me")),
    ("POST", "/auth/password"): Rule(SIGNED_IN, lambda s: (
        "/auth/password", {"current_password": PASSWORD, "new_password": PASSWORD})),
    ("GET", "/auth/tokens"): Rule(SIGNED_IN, _url("/auth/tokens")),
    ("POST", "/auth/tokens"): Rule(SIGNED_IN, lambda s: ("/auth/tokens", {"expires_in": "1h"})),
    ("DELETE", "/auth/tokens/{token_id}"): Rule(
        ADMIN, lambda s: (f"/auth/tokens/{s.admin_token_id()}", None)),
    ("GET", "/users"): Rule(ADMIN, _url("/users")),
    ("GET", "/users/{name}"): Rule(ADMIN, _url(f"/users/{ACCOUNTS['admin'].name}")),
    ("POST", "/users"): Rule(ADMIN, lambda s: ("/users", {
        "name": f"new.user{s.n}", "role": "viewer", "password": PASSWORD, "partner": "NISSAN"})),
    ("POST", "/users/{name}/password"): Rule(ADMIN, lambda s: (
        f"/users/{s.user()}/password", {"password": PASSWORD})),
    ("POST", "/users/{name}/deactivate"): Rule(ADMIN, lambda s: (
        f"/users/{s.user()}/deactivate", None)),
    ("POST", "/users/{name}/activate"): Rule(ADMIN, lambda s: (
        f"/users/{s.user(active=False)}/activate", None)),
    ("PUT", "/users/{name}/role"): Rule(ADMIN, lambda s: (
        f"/users/{s.user()}/role", {"role": "viewer", "partner": "RENAULT"})),
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
    ("POST", "/initiatives/{initiative_id}/approval"): Rule(APPROVERS, lambda s: (
        f"/initiatives/{s.initiative(at=Stage.L2)}/approval", {"body": "Alliance Board", "on": TODAY})),
    ("POST", "/initiatives/{initiative_id}/lock-plan"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative(figures=True)}/lock-plan", None)),
    ("POST", "/initiatives/{initiative_id}/status"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/status", {"status": "at risk"})),
    ("PUT", "/initiatives/{initiative_id}/probability"): Rule(LEADS, lambda s: (
        f"/initiatives/{s.initiative()}/probability", {"probability": "0.6"})),
    ("POST", "/initiatives/{initiative_id}/sign-offs"): Rule(
        frozenset({"renault_controller"}), lambda s: (
            f"/initiatives/{s.initiative(at=Stage.L4)}/sign-offs", {"partner": "RENAULT", "on": TODAY})),
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
    # A split records for every partner sharing the initiative: only who may record for all.
    ("POST", "/ledger/splits"): Rule(ADMIN, lambda s: ("/ledger/splits", {
        "period": "2016-06", "amount": {"amount": "2500.00"}, "initiative_id": "PUR-001"})),
    ("POST", "/ledger/{entry_id}/reversal"): Rule(RECORDERS, lambda s: (
        f"/ledger/{s.entry()}/reversal", {"reason": "typed twice"})),
    ("GET", "/reports/synergies"): Rule(SIGNED_IN, _url("/reports/synergies?by=partner")),
    ("GET", "/exports/workbook.xlsx"): Rule(SIGNED_IN, _url("/exports/workbook.xlsx")),
    ("GET", "/boardpack/{year}"): Rule(SIGNED_IN, _url("/boardpack/2015?format=html")),
    ("GET", "/exports/workbook.json"): Rule(SIGNED_IN, _url("/exports/workbook.json")),
    ("GET", "/exports/sheets/{sheet}.csv"): Rule(SIGNED_IN, _url("/exports/sheets/ledger.csv")),
    ("GET", "/measurements"): Rule(SIGNED_IN, _url("/measurements")),
    # The source holds both partners' purchasing lines: only who may record for both posts it.
    ("POST", "/measurements"): Rule(ADMIN, lambda s: ("/measurements", {"source": SOURCE})),
    ("GET", "/measurements/{run_id}"): Rule(SIGNED_IN, _url("/measurements/1"), absent=True),
    ("GET", "/measurements/{run_id}/detail/{partner}"): Rule(
        RENAULT_CONFIDENTIAL, _url("/measurements/1/detail/RENAULT"), absent=True),
    ("GET", "/audit"): Rule(AUDITORS, _url("/audit?limit=5")),
    ("GET", "/audit/verify"): Rule(SIGNED_IN, _url("/audit/verify")),
    ("GET", "/audit/checkpoint"): Rule(SIGNED_IN, _url("/audit/checkpoint")),
    # Each signed-in user's own subscriptions (ending another's is an admin's: tests/alert_delivery).
    ("GET", "/alerts/subscriptions"): Rule(SIGNED_IN, _url("/alerts/subscriptions")),
    ("POST", "/alerts/subscriptions"): Rule(SIGNED_IN, lambda s: (
        "/alerts/subscriptions", {"email": f"matrix{s.n}@example.com"})),
    ("DELETE", "/alerts/subscriptions/{subscription_id}"): Rule(
        SIGNED_IN, _url("/alerts/subscriptions/999999"), absent=True),
    ("GET", "/forecast"): Rule(SIGNED_IN, _url("/forecast?as_of=2015&trials=500")),
    ("GET", "/forecast/backtest"): Rule(SIGNED_IN, _url("/forecast/backtest?trials=200")),
    ("GET", "/forecast/settings"): Rule(SIGNED_IN, _url("/forecast/settings")),
    # The example's fit lies at the edge of the grid, and its defaults are in force already.
    ("POST", "/forecast/settings"): Rule(ADMIN, lambda s: (
        "/forecast/settings", {"trials": 100}), refused=True),
    ("POST", "/forecast/settings/defaults"): Rule(ADMIN, lambda s: (
        "/forecast/settings/defaults", {"note": "matrix"}), refused=True),
    ("POST", "/forecast/whatif"): Rule(SIGNED_IN, lambda s: ("/forecast/whatif", {
        "moves": [{"function": "sales-marketing", "start": "2016-07-01", "saving_percent": "3",
                   "cost_base": "10000000000"}], "as_of": 2015, "trials": 500})),
    ("GET", "/payback"): Rule(SIGNED_IN, _url("/payback?initiative=ENG-006")),
    ("GET", "/plans"): Rule(SIGNED_IN, _url("/plans")),
    ("POST", "/plans"): Rule(ALL_LEADS, lambda s: ("/plans", {"name": f"plan {s.n}"})),
    ("GET", "/plans/{name}"): Rule(SIGNED_IN, lambda s: (f"/plans/{s.plan()}", None)),
    ("GET", "/plans/{name}/compare"): Rule(SIGNED_IN, lambda s: (
        f"/plans/{s.plan()}/compare?year=2016", None)),
    ("POST", "/imports"): Rule(ADMIN, lambda s: ("/imports?dry_run=true", workbook_json())),
    ("GET", "/alerts"): Rule(SIGNED_IN, _url("/alerts?on=2016-03-31")),
    ("GET", "/alerts/rules"): Rule(SIGNED_IN, _url("/alerts/rules")),
    ("PUT", "/alerts/rules/{rule}"): Rule(ADMIN, lambda s: (
        "/alerts/rules/behind%20ramp", {"threshold": "20"})),
}  # fmt: skip


NISSAN_RECORDERS = frozenset({"admin", "nissan_lead", "nissan_controller"})
# Alliance-wide entries (no function): no function lead's, whatever their partner.
RENAULT_WIDE = frozenset({"admin", "renault_controller"})
SCOPED: dict[str, tuple[str, Rule]] = {
    "sign-off for NISSAN": ("POST", Rule(frozenset({"nissan_controller"}), lambda s: (
        f"/initiatives/{s.initiative(at=Stage.L4)}/sign-offs", {"partner": "NISSAN", "on": TODAY}))),
    "engineering initiative created": ("POST", Rule(frozenset({"admin", "engineering_lead"}), lambda s: (
        "/initiatives", {"id": f"NEW-E{s.n}", "name": "New", "function": "engineering",
                         "owner": "B. Moreau", "category": "cost reduction",
                         "allocation": {"method": "fixed", "weights": {"RENAULT": 50, "NISSAN": 50}}}))),
    "NISSAN-only initiative created": ("POST", Rule(frozenset({"admin", "nissan_lead"}), lambda s: (
        "/initiatives", {"id": f"NEW-N{s.n}", "name": "New", "function": "purchasing",
                         "owner": "D. Girard", "category": "cost reduction",
                         "allocation": {"method": "fixed", "weights": {"NISSAN": 100}}}))),
    "engineering initiative advanced": ("POST", Rule(frozenset({"admin", "engineering_lead"}), lambda s: (
        f"/initiatives/{s.initiative(function='engineering')}/advance", {"to": "L1"}))),
    "entry for NISSAN purchasing": ("POST", Rule(NISSAN_RECORDERS, lambda s: ("/ledger", {
        "partner": "NISSAN", "period": "2016-06", "amount": {"amount": "2500.00"},
        "initiative_id": "PUR-001"}))),
    "entry for RENAULT engineering": ("POST", Rule(frozenset({"admin", "engineering_lead", "renault_controller"}), lambda s: ("/ledger", {
        "partner": "RENAULT", "period": "2016-06", "amount": {"amount": "2500.00"},
        "initiative_id": "ENG-001"}))),
    "entry with no function": ("POST", Rule(RENAULT_WIDE, lambda s: ("/ledger", {
        "partner": "RENAULT", "period": "2016-06", "amount": {"amount": "2500.00"}}))),
    "entry for NISSAN with no function": ("POST", Rule(frozenset({"admin", "nissan_controller"}), lambda s: ("/ledger", {
        "partner": "NISSAN", "period": "2016-06", "amount": {"amount": "2500.00"}}))),
    "reversal of a NISSAN entry": ("POST", Rule(NISSAN_RECORDERS, lambda s: (
        f"/ledger/{s.entry('NISSAN')}/reversal", {"reason": "typed twice"}))),
    "reversal of an alliance-wide entry": ("POST", Rule(RENAULT_WIDE, lambda s: (
        f"/ledger/{s.entry(initiative=None)}/reversal", {"reason": "typed twice"}))),
}  # fmt: skip


@pytest.fixture
def extra_accounts(api_store: Store) -> None:
    admin = Context(api_store, local_operator())
    for a in EXTRA.values():
        accounts.add_user(admin, a.name, a.role, PASSWORD, partner=a.partner, functions=a.functions)


def _token(store: Store, role: str) -> str:
    ctx = Context(store, local_operator())
    return accounts.create_token(ctx, ROLES[role].name, timedelta(days=1), f"m{next(_n)}").secret


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
    headers = {} if role == ANONYMOUS else bearer(_token(store, role))
    client.cookies.clear()
    return client.request(method, url, json=body, headers=headers).status_code


def _cases() -> list[tuple[str, str, Rule]]:
    routes = [(method, f"{method} {path}", rule) for (method, path), rule in RULES.items()]
    scoped = [(method, label, rule) for label, (method, rule) in SCOPED.items()]
    return routes + scoped


@pytest.mark.usefixtures("extra_accounts")
def test_each_role_gets_what_the_table_says(client: TestClient, api_store: Store) -> None:
    wrong = []
    for method, path, rule in _cases():
        for role in sorted(EVERYONE):
            status = _outcome(client, api_store, role, method, rule)
            if role in rule.allowed:
                expected = "2xx"
                ok = (200 <= status < 300 or (rule.absent and status == 404)
                      or (rule.refused and status == 409))  # fmt: skip
            else:
                expected = "401" if role == ANONYMOUS else "403"
                ok = str(status) == expected
            if not ok:
                wrong.append(f"{path} as {role}: {status}, expected {expected}")
    assert wrong == []
