"""A large batch leaves PostgreSQL's planner knowing the ledger's size, so that a server with
autovacuum off does not keep planning import-key lookups for an empty ledger (seen: a 1M-entry
import slowing from 3,600 to 1,000 entries/s, batch after batch)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from synergies.services import ledger
from synergies.services.context import Context


@pytest.mark.postgres
@pytest.mark.parametrize("example_url", ["postgresql"], indirect=True)
def test_a_large_batch_refreshes_the_ledgers_statistics(example_ctx: Context) -> None:
    seed = ledger.entries(example_ctx)[0]
    batch = [dataclasses.replace(seed, id=None) for _ in range(ledger.LARGE_BATCH)]
    keys = [f"stats:{n}" for n in range(len(batch))]
    ledger.add_many(example_ctx, batch, keys, "a large batch")
    with example_ctx.reading() as conn:
        tuples = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'ledger_entries'")
        ).scalar_one()
    assert tuples >= ledger.LARGE_BATCH
