"""The context a service call runs in: the store, the actor, the clock, the transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import StatementError

from synergies.domain.errors import SynergiesError
from synergies.services.audit import Change, lock_writes, record, record_many, seal
from synergies.services.security import ANY, Action, Actor, Scope, authorize
from synergies.storage.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    store: Store
    actor: Actor
    clock: Callable[[], datetime] = utc_now
    _conn: Connection | None = field(default=None, repr=False)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction per outermost call; nested calls join it (all or nothing)."""
        if self._conn is not None:
            yield self._conn
            return
        try:
            with self.store.transaction() as conn:
                lock_writes(conn)
                self._conn = conn
                try:
                    yield conn
                    seal(conn)  # the last record takes the seals of the tables written
                finally:
                    self._conn = None
        except StatementError as error:
            # A column type refused a value (storage/types.py): the refusal, not the SQL.
            if isinstance(error.orig, SynergiesError):
                raise error.orig from None
            raise

    @property
    def in_transaction(self) -> bool:
        """Inside a transaction, data may be uncommitted: derived results are not cached."""
        return self._conn is not None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        if self._conn is not None:
            yield self._conn
            return
        with self.store.reading() as conn:
            yield conn

    def allow(
        self, action: Action, *, partner: str | Scope | None = ANY,
        function: str | Scope | None = ANY,
    ) -> None:  # fmt: skip
        authorize(self.actor, action, partner=partner, function=function)

    def audit(self, conn: Connection, action: str, subject: str, before: object = None,
              after: object = None) -> None:  # fmt: skip
        record(conn, self.actor, action, subject, before, after)

    def audit_many(self, conn: Connection, changes: list[Change]) -> None:
        """One record per (action, subject, before, after), appended in one batch."""
        record_many(conn, self.actor, changes)
