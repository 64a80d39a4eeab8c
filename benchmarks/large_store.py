"""A large alliance store for benchmarks: the example alliance, then 2,000 more initiatives
(copies of the example's, renamed) and 1,000,000 ledger entries spread over them, their
partners and the months of 2010-2016, written through the services (audited, in batches).

Run alone: python benchmarks/large_store.py URL [--initiatives N] [--entries N].
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.example import initiatives as example_initiatives
from synergies.services import initiatives, ledger
from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

BATCH = 50_000
RECORDED = datetime(2016, 3, 31, tzinfo=UTC)


def _initiatives(count: int) -> list:  # type: ignore[type-arg]
    seeds = example_initiatives.initiatives()
    return [
        replace(seed, id=f"GEN-{n:05d}", name=f"{seed.name} (copy {n})")
        for n, seed in ((n, seeds[n % len(seeds)]) for n in range(count))
    ]


def _entries(
    made: list,
    first: int,
    count: int,
    rng: random.Random,  # type: ignore[type-arg]
) -> list[tuple[LedgerEntry, str]]:
    out = []
    for n in range(first, first + count):
        i = made[n % len(made)]
        partner = rng.choice(i.partners())
        amount = Decimal(rng.randrange(1_000, 2_000_000)) / 100
        entry = LedgerEntry(
            partner=partner, period=Month(rng.randrange(2010, 2017), rng.randrange(1, 13)),
            amount=Money(amount, "EUR"), category=i.category, source=EntrySource.entered,
            author="benchmark", recorded_at=RECORDED, initiative_id=i.id, function=i.function,
            reason="generated for a benchmark", illustrative=True,
        )  # fmt: skip
        out.append((entry, f"bench:{n}"))
    return out


def build(url: str, initiative_count: int = 2_000, entry_count: int = 1_000_000) -> Store:
    """Create the store at `url` and fill it; prints progress to stderr."""
    store = Store.create(url)
    ctx = Context(store, local_operator())
    load_example(ctx)
    started = time.perf_counter()
    made = _initiatives(initiative_count)
    with ctx.transaction():
        for i in made:
            initiatives.record_example(ctx, i)
    rng = random.Random(2016)
    for first in range(0, entry_count, BATCH):
        batch = _entries(made, first, min(BATCH, entry_count - first), rng)
        ledger.add_many(ctx, [e for e, _ in batch], [k for _, k in batch], "benchmark")
        done = first + len(batch)
        rate = done / (time.perf_counter() - started)
        print(
            f"\r  {done:,} / {entry_count:,} ledger entries ({rate:,.0f}/s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--initiatives", type=int, default=2_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.url, args.initiatives, args.entries)
    print(f"built in {time.perf_counter() - started:.0f} s: {args.url}")


if __name__ == "__main__":
    main()
