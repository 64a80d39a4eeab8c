"""Stores for tests: every storage test runs on SQLite and on the PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

PG_ADMIN = os.environ.get("SYNERGIES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session", autouse=True)
def audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every store a test writes signs its audit trail with a key in a temporary folder,
    never in the real user's config folder (subprocesses inherit the variable)."""
    path = tmp_path_factory.mktemp("audit-key") / "audit-keys.json"
    saved = os.environ.get("SYNERGIES_AUDIT_KEY_FILE")
    os.environ["SYNERGIES_AUDIT_KEY_FILE"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("SYNERGIES_AUDIT_KEY_FILE", None)
    else:
        os.environ["SYNERGIES_AUDIT_KEY_FILE"] = saved


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN}: {exc}".splitlines()[0]


PG_MISSING = _pg_available()


def _pg_url(database: str) -> str:
    return (
        PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        + "/"
        + database
    )


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> Iterator[str]:
    """A migrated database per test worker, copied for each test (fast and isolated)."""
    if PG_MISSING:
        pytest.skip(PG_MISSING)
    name = f"synergies_tmpl_{worker_id}_{os.getpid()}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(f'CREATE DATABASE "{name}"')
    store = Store.create(_pg_url(name))
    store.engine.dispose()
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_pg(template: str) -> Iterator[str]:
    name = f"synergies_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of an empty, migrated store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'synergies.db'}"
        Store.create(url).engine.dispose()
        yield url
        return
    yield from _fresh_pg(request.getfixturevalue("pg_template"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def ctx(store: Store) -> Context:
    return Context(store, local_operator())


@pytest.fixture(scope="session")
def example_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the example alliance, copied for each test that needs it."""
    path = tmp_path_factory.mktemp("example") / "example.db"
    store = Store.create(f"sqlite:///{path}")
    load_example(Context(store, local_operator()))
    store.engine.dispose()
    return path


@pytest.fixture(scope="session")
def example_pg_template(pg_template: str) -> Iterator[str]:
    name = f"{pg_template}_example"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    store = Store.open(_pg_url(name))
    load_example(Context(store, local_operator()))
    store.engine.dispose()
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def example_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a store holding the example alliance, on each backend."""
    if request.param == "sqlite":
        copy = tmp_path / "example.db"
        shutil.copyfile(request.getfixturevalue("example_sqlite"), copy)
        yield f"sqlite:///{copy}"
        return
    yield from _fresh_pg(request.getfixturevalue("example_pg_template"))


@pytest.fixture
def example_ctx(example_url: str) -> Iterator[Context]:
    store = Store.open(example_url)
    yield Context(store, local_operator())
    store.engine.dispose()
