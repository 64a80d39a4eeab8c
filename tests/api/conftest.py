"""An API over the example alliance, with one user per role and cheap password hashing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from synergies.api.app import create_app
from synergies.domain.accounts import Role
from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.initiatives import Category, Initiative
from synergies.measurement.generate import generate_purchases
from synergies.services import accounts, initiatives
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

PASSWORD = "correct horse battery"
SOURCE = "purchases"


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: Role
    partner: str | None = None
    functions: tuple[str, ...] = ()


ACCOUNTS = {
    "admin": Account("ada.admin", Role.admin),
    "lead": Account("pierre.lead", Role.function_lead, "RENAULT", ("purchasing",)),
    "renault_controller": Account("rene.controller", Role.controller, "RENAULT"),
    "nissan_controller": Account("naoko.controller", Role.controller, "NISSAN"),
    "clean_team": Account("clara.clean", Role.clean_team),
    "nissan_viewer": Account("nobu.viewer", Role.viewer, "NISSAN"),
}
COST_BASE_INITIATIVE = "PUR-900"
RENAULT_COST_BASE = Decimal("7315000000")  # illustrative addressable spend


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production argon2 parameters cost ~0.1 s a hash; tests need the rule, not the cost."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def api_store(example_url: str) -> Iterator[Store]:
    store = Store.open(example_url)
    admin = Context(store, local_operator())
    for a in ACCOUNTS.values():
        accounts.add_user(admin, a.name, a.role, PASSWORD, partner=a.partner, functions=a.functions)
    initiatives.create(admin, cost_base_initiative())
    yield store
    store.engine.dispose()


def cost_base_initiative() -> Initiative:
    weights = (("RENAULT", RENAULT_COST_BASE), ("NISSAN", Decimal("9120000000")))
    return Initiative(
        id=COST_BASE_INITIATIVE, name="Joint logistics tender (illustrative)",
        function="purchasing", owner="D. Girard", category=Category.cost_reduction,
        allocation=AllocationRule(AllocationMethod.cost_base, weights), illustrative=True,
    )  # fmt: skip


@pytest.fixture
def admin_ctx(api_store: Store) -> Context:
    return Context(api_store, local_operator())


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's sources folder, holding one small purchasing source, `purchases`."""
    root = tmp_path_factory.mktemp("sources")
    generate_purchases(root / SOURCE, 400, seed=11, fmt="csv")
    return root


@pytest.fixture
def client(api_store: Store, sources: Path) -> Iterator[TestClient]:
    with TestClient(create_app(api_store, sources)) as test_client:
        yield test_client


_serial = itertools.count()


def token_for(store: Store, role: str, life: timedelta = timedelta(days=1)) -> str:
    """A fresh bearer token for the account playing `role`."""
    ctx = Context(store, local_operator())
    return accounts.create_token(ctx, ACCOUNTS[role].name, life, f"test {next(_serial)}").secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def as_role(api_store: Store) -> dict[str, dict[str, str]]:
    """Authorization headers of each role, by role key."""
    return {role: bearer(token_for(api_store, role)) for role in ACCOUNTS}
