"""Alembic migrations: they build exactly the schema the code uses, and upgrade in place."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from synergies.domain.errors import Conflict
from synergies.storage import engine as engines
from synergies.storage import tables as t
from synergies.storage.store import Store


def test_the_migrations_build_the_schema_the_code_uses(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, t.metadata)
    assert differences == []


def test_upgrading_an_old_store_keeps_its_data(store_url: str) -> None:
    store = Store(engines.make_engine(store_url))
    # Start again from the first revision, as a store made by the first release would be.
    engines.downgrade(store.engine, "0001")
    assert engines.current_revision(store.engine) == "0001"
    with store.engine.begin() as conn:
        conn.execute(t.partners.insert().values(code="RENAULT", name="Renault", home_currency="EUR",
                                                fiscal_year_start=1, member=True))  # fmt: skip
    engines.upgrade(store.engine)
    opened = Store.open(store_url)
    with opened.reading() as conn:
        assert conn.execute(select(t.partners.c.code)).scalars().all() == ["RENAULT"]
    opened.engine.dispose()
    store.engine.dispose()


def test_a_store_behind_the_code_says_to_upgrade(store_url: str) -> None:
    engine = engines.make_engine(store_url)
    engines.downgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(Conflict) as error:
        Store.open(store_url)
    assert error.value.fix == "run: synergies db upgrade"
