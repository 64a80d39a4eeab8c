"""Upgrading a store whose user names differ only in case says what to do, changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from synergies.domain.errors import Conflict
from synergies.storage import engine as engines
from synergies.storage.store import Store


def _old_user(store: Store, name: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (name, role, functions, password_hash, active, created_at) "
                 "VALUES (:n, 'viewer', '', 'x', :a, :at)"),
            {"n": name, "a": True, "at": datetime.now(UTC)},
        )  # fmt: skip


def test_names_that_differ_only_in_case_stop_the_upgrade_clearly(store_url: str) -> None:
    store = Store(engines.make_engine(store_url))
    engines.downgrade(store.engine, "0005")
    _old_user(store, "admin1")
    _old_user(store, "ADMIN1")
    with pytest.raises(Conflict) as stopped:
        engines.upgrade(store.engine)
    assert "'ADMIN1' = 'admin1'" in str(stopped.value) and "Nothing was changed" in str(
        stopped.value
    )
    assert stopped.value.fix is not None and "DELETE FROM users" in stopped.value.fix
    assert engines.current_revision(store.engine) == "0005"
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE name = 'ADMIN1'"))
    engines.upgrade(store.engine)
    assert engines.current_revision(store.engine) == engines.HEAD_REVISION
    store.engine.dispose()
