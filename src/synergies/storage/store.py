"""The store: an engine whose schema is current, and the transactions the services run in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from synergies.domain.errors import Conflict, NotFound
from synergies.storage import engine as engines
from synergies.storage import sealed
from synergies.storage.cache import VersionedCache


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        sealed.watch(engine)  # notes the tables each transaction writes, for their seals
        self.cache = VersionedCache(engine)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, db: str | None) -> Store:
        """Open an existing store whose schema is at the newest migration, or say what to do."""
        location = engines.locate(db)
        missing = _missing_sqlite_file(location.url)
        if missing is not None:  # connecting would create an empty file there
            raise NotFound(
                f"no alliance store at {location.url} (from {location.source}): "
                f"{missing} does not exist",
                field="db",
                fix=f"create one with: synergies init --db {location.url}",
            )
        store = cls(engines.make_engine(location.url))
        try:
            current = engines.stored_revision(store.engine)
        except OperationalError as exc:
            raise NotFound(
                f"cannot open the store at {store.url} (from {location.source}): {exc.orig}",
                field="db",
                fix="check the URL, or create a store with: synergies init",
            ) from None
        if current is None:
            raise NotFound(
                f"no alliance store at {store.url} (from {location.source})",
                field="db",
                fix=f"create one with: synergies init --db {location.url}",
            )
        if current != engines.HEAD_REVISION:
            _refuse_if_behind(store, current)
        return store

    @classmethod
    def create(cls, db: str | None) -> Store:
        """Create an empty store (schema at the newest migration); refuse an existing one."""
        url = engines.resolve_url(db)
        store = cls(engines.make_engine(url))
        if engines.has_tables(store.engine):
            raise Conflict(
                f"{store.url} already holds tables",
                field="db",
                fix="use it as it is, run 'synergies db upgrade', or name a new store",
            )
        engines.upgrade(store.engine)
        return store

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: a failure anywhere inside leaves the store as it was."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection


def _refuse_if_behind(store: Store, current: str) -> None:
    """Ask the migration scripts (slow: imports Alembic) only when the fast check differs."""
    head = engines.head_revision(store.engine)
    if current != head:
        raise Conflict(
            f"the store's schema is at {current}, this version needs {head}",
            field="db",
            fix="run: synergies db upgrade",
        )


def _missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, if it does not exist (None for other stores)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # not a URL: opening it says so
    name = parsed.database
    if not parsed.drivername.startswith("sqlite") or not name or name == ":memory:":
        return None
    if name.startswith("file:") or parsed.query.get("uri"):
        return None  # a SQLite URI: its own options decide
    path = Path(name)
    return None if path.exists() else path
