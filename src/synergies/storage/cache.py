"""A per-store cache of derived results, valid while the store's data has not changed.

Every change goes through the services and appends to the audit trail, so the audit head's
sequence number is the store's version: a result computed at version N stays true until the
head moves. Reading the version costs one tiny query; recomputing a report costs a hundred.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import Engine, select

from synergies.storage import audit_rows
from synergies.storage import tables as t

T = TypeVar("T")


def data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        seq = conn.execute(select(t.audit_head.c.seq)).scalar_one_or_none()
    return int(seq or 0)


class VersionedCache:
    """Results keyed by what was asked and the data version they were computed at."""

    def __init__(self, engine: Engine, size: int = 256) -> None:
        self._engine = engine
        self._size = size
        self._items: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._kept: dict[Hashable, object] = {}

    def get(
        self, key: Hashable, compute: Callable[[int], T], unaffected_by: tuple[str, ...] = ()
    ) -> T:
        """The cached result for `key` at the current version; else `compute(version)`.

        The version is read before computing, so a result is never filed under a version
        newer than the data it saw (a concurrent write only makes the entry stale sooner).
        A result whose caller names `unaffected_by` (prefixes of audit actions, such as
        sign-ins) also holds when only such actions were recorded since it was computed.
        """
        version = data_version(self._engine)
        hit, value = self._lookup(key, version)
        if hit:
            return value  # type: ignore[return-value]
        if unaffected_by and self._still_holds(key, version, unaffected_by):
            hit, value = self._lookup(key, version)
            if hit:
                return value  # type: ignore[return-value]
        # One thread computes a stale key; the others wait for it rather than all computing
        # the same result at once after every write.
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            hit, value = self._lookup(key, version)
            if hit:
                return value  # type: ignore[return-value]
            fresh = compute(version)
            with self._lock:
                self._items[key] = (version, fresh)
                self._items.move_to_end(key)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return fresh

    def recall(self, key: Hashable) -> object | None:
        """Whatever was last remembered under `key` (no version check: the caller checks)."""
        with self._lock:
            return self._kept.get(key)

    def remember(self, key: Hashable, value: object) -> None:
        """Keep `value` under `key`; the least recently kept go beyond `size` keys (callers'
        keys may come from requests: the memory they take stays bounded)."""
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = value
            while len(self._kept) > self._size:
                del self._kept[next(iter(self._kept))]

    def _still_holds(self, key: Hashable, version: int, unaffected_by: tuple[str, ...]) -> bool:
        """Was nothing but `unaffected_by` actions recorded since the entry was computed?
        Then it is filed anew under `version`."""
        with self._lock:
            found = self._items.get(key)
        if found is None:
            return False
        with self._engine.connect() as conn:
            actions = audit_rows.actions_since(conn, found[0])
        if any(not a.startswith(unaffected_by) for a in actions):
            return False
        with self._lock:
            if self._items.get(key) is found:
                self._items[key] = (version, found[1])
        return True

    def _lookup(self, key: Hashable, version: int) -> tuple[bool, object]:
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] >= version:
                self._items.move_to_end(key)
                return True, found[1]
        return False, None
