"""Locking a plan while another writer changes figures, on PostgreSQL with two stores.

One writer holds the store's write lock with a figures update not yet committed; the other
locks a plan. The test waits until PostgreSQL shows the second writer blocked on a lock, then
lets the first commit. A plan copied outside the write transaction would hold the figures from
before the update although it was locked after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import text

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict
from synergies.domain.initiatives import PlanFigures
from synergies.domain.money import Money
from synergies.services import initiatives, plans
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

pytestmark = pytest.mark.postgres
ON_POSTGRES = pytest.mark.parametrize("example_url", ["postgresql"], indirect=True)
NEW = PlanFigures(Money.of("300000000", "EUR"), Money.of("15000000", "EUR"), Month(2017, 1))
PATIENCE_S = 30.0  # a safety net against a hang, never a measure


@pytest.fixture
def two_writers(example_url: str) -> Iterator[tuple[Context, Context, Store]]:
    """Two contexts on separate stores (separate pools) and a third store to watch locks."""
    stores = [Store.open(example_url) for _ in range(3)]
    yield Context(stores[0], local_operator()), Context(stores[1], local_operator()), stores[2]
    for store in stores:
        store.engine.dispose()


def _blocked_writers(watch: Store) -> int:
    query = text("SELECT count(*) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND wait_event_type = 'Lock'")  # fmt: skip
    with watch.reading() as conn:
        return int(conn.execute(query).scalar_one())


def _hold_then_commit(first: Context, change: Callable[[], object], watch: Store,
                      second: Callable[[], object]) -> tuple[Future[object], Future[object]]:  # fmt: skip
    """Run `change` in `first`'s transaction, start `second` once it holds the write lock, and
    commit only when `second` is blocked waiting for that lock."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> object:
        with first.transaction():
            done = change()
            holding.set()
            release.wait(PATIENCE_S)
        return done

    def after() -> object:
        holding.wait(PATIENCE_S)
        return second()

    with ThreadPoolExecutor(max_workers=2) as pool:
        held, other = pool.submit(hold), pool.submit(after)
        deadline = time.monotonic() + PATIENCE_S
        while _blocked_writers(watch) == 0 and time.monotonic() < deadline and not other.done():
            time.sleep(0.01)
        release.set()
    return held, other


@ON_POSTGRES
def test_a_locked_plan_holds_the_figures_committed_before_it(
    two_writers: tuple[Context, Context, Store],
) -> None:
    first, second, watch = two_writers
    held, locked = _hold_then_commit(
        first, lambda: initiatives.update_figures(first, "PUR-003", NEW), watch,
        lambda: plans.lock(second, "budget 2016"),
    )  # fmt: skip
    held.result()
    plan = locked.result()
    assert isinstance(plan, plans.LockedPlan)
    pur3 = next(p for p in plan.items if p.id == "PUR-003")
    assert (pur3.run_rate_eur, pur3.start) == (Decimal("300000000.00"), "2017-01")
    assert plans.get(first, "budget 2016") == plan


@ON_POSTGRES
def test_a_second_lock_under_the_same_name_is_a_conflict_not_a_duplicate(
    two_writers: tuple[Context, Context, Store],
) -> None:
    first, second, watch = two_writers
    held, again = _hold_then_commit(
        first, lambda: plans.lock(first, "budget 2016"), watch,
        lambda: plans.lock(second, "budget 2016"),
    )  # fmt: skip
    assert held.result().name == "budget 2016"  # type: ignore[attr-defined]
    with pytest.raises(Conflict, match="already locked"):
        again.result()
    assert plans.names(second) == ["budget 2016"]


@ON_POSTGRES
def test_an_initiatives_locked_plan_is_its_figures_committed_before_it(
    two_writers: tuple[Context, Context, Store],
) -> None:
    first, second, watch = two_writers
    open_case = next(
        i.id for i in initiatives.list_initiatives(first) if i.forecast and not i.locked_plan
    )
    held, locked = _hold_then_commit(
        first, lambda: initiatives.update_figures(first, open_case, NEW), watch,
        lambda: initiatives.lock_plan(second, open_case),
    )  # fmt: skip
    held.result()
    locked.result()
    assert initiatives.get(second, open_case).locked_plan == NEW
