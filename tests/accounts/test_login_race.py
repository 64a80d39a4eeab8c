"""Concurrent wrong passwords: the lock decision is taken before any password is verified."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from synergies.domain.accounts import MAX_FAILURES, LockedOut
from synergies.domain.errors import NotAuthenticated
from synergies.services import accounts
from synergies.storage.store import Store
from tests.api.conftest import ACCOUNTS

BURST = 30


def test_a_burst_of_wrong_passwords_verifies_at_most_the_allowed_tries(
    api_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = []
    guard = threading.Lock()
    real = accounts._password_matches

    def counting(hashed: str | None, password: str) -> bool:
        with guard:
            verified.append(password)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "_password_matches", counting)
    name = ACCOUNTS["nissan_viewer"].name

    def attempt(n: int) -> str:
        try:
            accounts.login(api_store, name, f"wrong password {n}")
        except LockedOut:
            return "locked"
        except NotAuthenticated:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        outcomes = list(pool.map(attempt, range(BURST)))
    tried, locked = outcomes.count("wrong"), outcomes.count("locked")
    summary = f"{BURST} concurrent wrong logins: {tried} tried, {locked} locked"
    print(f"\n{summary}, {len(verified)} verifications")  # noqa: T201 - the figure measured
    assert outcomes.count("in") == 0
    assert len(verified) <= MAX_FAILURES
    assert outcomes.count("wrong") <= MAX_FAILURES
    assert outcomes.count("locked") >= BURST - MAX_FAILURES


def test_the_lock_ignores_the_case_of_the_name(api_store: Store) -> None:
    """'NOBU.VIEWER' is the same account as 'nobu.viewer', and shares its failures."""
    name = ACCOUNTS["nissan_viewer"].name
    for n in range(MAX_FAILURES):
        spelled = name.upper() if n % 2 else name
        with pytest.raises(NotAuthenticated, match="wrong user name or password"):
            accounts.login(api_store, spelled, "wrong password!")
    with pytest.raises(LockedOut):
        accounts.login(api_store, name.title(), "wrong password!")
