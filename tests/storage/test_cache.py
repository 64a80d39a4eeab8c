"""The per-store cache: a result holds until the data changes, and what it keeps is bounded."""

from __future__ import annotations

from synergies.domain.accounts import Role
from synergies.services import accounts, ledger
from synergies.services.audit_trail import ACCOUNT_ACTIONS
from synergies.services.context import Context
from synergies.storage.cache import VersionedCache


def test_a_result_is_kept_until_the_audit_head_moves(example_ctx: Context) -> None:
    cache = VersionedCache(example_ctx.store.engine)
    calls: list[int] = []

    def compute(version: int) -> int:
        calls.append(version)
        return len(calls)

    assert cache.get("k", compute) == cache.get("k", compute) == 1
    ledger.reverse(example_ctx, ledger.entries(example_ctx)[0].id or 0, "test: move the head")
    assert cache.get("k", compute) == 2
    assert calls[1] > calls[0]  # filed under the newer version


def test_kept_values_stay_within_the_size_least_recent_first(example_ctx: Context) -> None:
    cache = VersionedCache(example_ctx.store.engine, size=3)
    for n in range(5):
        cache.remember(("filter", n), n)
    cache.remember(("filter", 2), "again")  # kept anew: now the most recent
    cache.remember(("filter", 5), 5)
    kept = [cache.recall(("filter", n)) for n in range(6)]
    assert kept == [None, None, "again", None, 4, 5]


def test_a_figure_outlives_sign_ins_only_when_its_caller_says_so(example_ctx: Context) -> None:
    cache = VersionedCache(example_ctx.store.engine)
    figures, answers = iter(range(100)), iter(range(100))
    assert cache.get("figure", lambda _: next(figures), ACCOUNT_ACTIONS) == 0
    assert cache.get("who may", lambda _: next(answers)) == 0
    accounts.add_user(
        example_ctx, "ines.viewer", Role.viewer, "correct horse battery staple 7", partner="NISSAN"
    )
    assert cache.get("figure", lambda _: next(figures), ACCOUNT_ACTIONS) == 0  # still holds
    assert cache.get("who may", lambda _: next(answers)) == 1  # an account change: recomputed
    ledger.reverse(example_ctx, ledger.entries(example_ctx)[0].id or 0, "test: the data moved")
    assert cache.get("figure", lambda _: next(figures), ACCOUNT_ACTIONS) == 1
