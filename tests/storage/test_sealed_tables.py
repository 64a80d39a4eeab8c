"""Every sealed table (storage/sealed.py, the one list) is tamper-evident: an edit, a forged
row and a deleted row, made with plain SQL behind the software's back, are each reported by
`audit verify`, naming the table (and the row, where its seal keeps row digests), on SQLite
and PostgreSQL."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Table

from synergies.cli.main import run
from synergies.services import audit_trail
from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.security import local_operator
from synergies.storage import sealed
from synergies.storage import tables as t
from synergies.storage.store import Store
from tests.conftest import _fresh_pg, _pg_admin, _pg_url
from tests.storage import sealing

TABLES = [s.name for s in sealed.SEALED]


def test_the_one_list_names_every_table_once() -> None:
    listed = set(TABLES) | set(sealed.NOT_SEALED)
    assert len(TABLES) == len(set(TABLES)) and not set(TABLES) & set(sealed.NOT_SEALED)
    assert listed == set(t.metadata.tables) | {"alembic_version"}


@pytest.fixture(scope="session")
def populated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("populated")
    path = folder / "populated.db"
    store = Store.create(f"sqlite:///{path}")
    ctx = Context(store, local_operator())
    load_example(ctx)
    sealing.populate(ctx, folder)
    store.engine.dispose()
    return path


@pytest.fixture(scope="session")
def populated_pg_template(
    example_pg_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    name = f"{example_pg_template}_populated"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{example_pg_template}"')
    store = Store.open(_pg_url(name))
    sealing.populate(Context(store, local_operator()), tmp_path_factory.mktemp("sources"))
    store.engine.dispose()
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def populated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The example alliance with a row, written by the services, in every sealed table."""
    if request.param == "sqlite":
        copy = tmp_path / "populated.db"
        shutil.copyfile(request.getfixturevalue("populated_sqlite"), copy)
        urls: Iterator[str] = iter([f"sqlite:///{copy}"])
    else:
        urls = _fresh_pg(request.getfixturevalue("populated_pg_template"))
    url = next(urls)
    store = Store.open(url)
    yield store
    store.engine.dispose()
    next(urls, None)  # drops the PostgreSQL copy


def test_the_populated_store_verifies_intact_with_every_table_sealed(populated: Store) -> None:
    found = audit_trail.verification(Context(populated, local_operator()))
    assert found.intact, found.problems
    assert (found.tables_sealed, found.unsealed) == (len(TABLES), [])
    with populated.reading() as conn:
        empty = [s.name for s in sealed.SEALED if not sealing.rows(conn, s.table)]
    assert empty == [], "populate a row of these through the services (tests/storage/sealing.py)"


def _problems_after(
    store: Store, tamper: Callable[[Connection, Table], dict[str, Any] | None], table: Table
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """Tamper inside a transaction, verify what it sees, and roll the tampering back."""
    with store.engine.connect() as conn, conn.begin() as transaction:
        row = tamper(conn, table)
        ctx = Context(store, local_operator(), _conn=conn)  # verify reads the tampered rows
        found = audit_trail.verification(ctx)
        transaction.rollback()
    return row, [(p.subject, p.problem) for p in found.problems]


def _names_the_table(table: str, subject: str) -> bool:
    checked_as = sealed.BY_NAME[table].checked_as
    return subject.split("/", maxsplit=1)[0] == table or bool(
        checked_as and subject.startswith(checked_as)
    )


TAMPERING = {"edit": sealing.edit, "forge": sealing.forge, "remove": sealing.remove}


@pytest.mark.parametrize("table", TABLES)
def test_tampering_with_a_sealed_table_is_reported(populated: Store, table: str) -> None:
    sealed_table = sealed.BY_NAME[table].table
    done = {}
    for how, tamper in TAMPERING.items():
        row, problems = _problems_after(populated, tamper, sealed_table)
        if row is None:  # the table leaves no room for it (every key a taken reference)
            continue
        done[how] = problems
        assert problems, f"{how} of {table} {row} went unreported"
        assert any(_names_the_table(table, s) for s, _ in problems), (how, problems)
        if sealed.BY_NAME[table].checked_as is None:
            named = f"{table}/{sealing.row_name(sealed_table, row)}"
            subjects = [s for s, _ in problems]
            assert named in subjects or table in subjects, (how, problems)
    assert "edit" in done and len(done) >= 2, done


def _cli(
    *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["synergies", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        run()
    return int(stop.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize("table", TABLES)
def test_the_cli_fails_naming_an_edited_table(
    populated: Store, table: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with populated.transaction() as conn:
        sealing.edit(conn, sealed.BY_NAME[table].table)
    url = populated.engine.url.render_as_string(hide_password=False)
    code, err = _cli("audit", "verify", "--db", url, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 5
    checked_as = sealed.BY_NAME[table].checked_as or f"{table}"
    assert f"\n{table}" in f"\n{err}" or f"\n{checked_as}" in f"\n{err}", err
