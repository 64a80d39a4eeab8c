"""Load check of the REST API: many clients reading reports and writing ledger entries.

Run: python benchmarks/load.py [--seconds 20] [--clients 20] [--workers 2]. It creates a fresh
PostgreSQL database holding the example alliance, starts `synergies serve` on 127.0.0.1, runs
the clients on loopback for a bounded time, prints requests per second, p50/p99 latency per
endpoint and the error count, and proves that no acknowledged write was lost. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import httpx
import psycopg

from synergies.domain.accounts import Role
from synergies.services import accounts, ledger
from synergies.services.context import Context
from synergies.services.example import load_example
from synergies.services.ledger import EntryFilter
from synergies.services.security import local_operator
from synergies.storage.store import Store

WARM_UP = 2.0  # seconds of requests left out of the latency figures (first queries, caches)
PG_ADMIN = os.environ.get("SYNERGIES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REPORTS = ("/reports/synergies?by=partner", "/reports/synergies?by=function&currency=JPY",
           "/reports/synergies?fiscal_year_of=NISSAN")  # fmt: skip


def _admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(url: str) -> tuple[str, str]:
    """The example alliance and two accounts; returns a viewer's and a controller's token."""
    store = Store.create(url)
    ctx = Context(store, local_operator())
    load_example(ctx)
    password = uuid.uuid4().hex
    accounts.add_user(ctx, "load.viewer", Role.viewer, password, partner="NISSAN")
    accounts.add_user(ctx, "load.controller", Role.controller, password, partner="RENAULT")
    day = timedelta(days=1)
    viewer = accounts.create_token(ctx, "load.viewer", day).secret
    controller = accounts.create_token(ctx, "load.controller", day).secret
    store.engine.dispose()
    return viewer, controller


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from synergies.cli.main import run; run()", "serve",
               "--port", str(port), "--workers", str(workers), "--db", url]  # fmt: skip
    server = subprocess.Popen(command)
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.written = Decimal(0)
        self.writes = 0
        self.measure_from = 0.0
        self.requests = 0

    def note(self, name: str, seconds: float, ok: bool, amount: Decimal | None = None) -> None:
        with self.lock:
            self.requests += 1
            if time.monotonic() >= self.measure_from:  # warm-up requests are not timed
                self.latency[name].append(seconds)
            if not ok:
                self.errors[name] += 1
            elif amount is not None:
                self.written += amount
                self.writes += 1


async def client_loop(
    base: str, viewer: str, controller: str, until: float, tally: Tally, n: int, writes: float,
    think: float,
) -> None:  # fmt: skip
    """One client: a loop of report reads and ledger writes on its own connections, pausing
    `think` seconds (on average) between requests as a person at a dashboard would."""
    rng = random.Random(n)
    async with (
        httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {viewer}"}) as read,
        httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {controller}"}
        ) as write,
    ):
        while time.monotonic() < until:
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
            started = time.perf_counter()
            if rng.random() >= writes:
                response = await read.get(rng.choice(REPORTS))
                tally.note("GET /reports/synergies", time.perf_counter() - started,
                           response.status_code == 200)  # fmt: skip
                continue
            amount = Decimal(rng.randint(1, 10_000_00)) / 100
            body = {"partner": "RENAULT", "period": f"2017-{rng.randint(1, 12):02d}",
                    "amount": {"amount": str(amount), "currency": "EUR"}, "function": "purchasing",
                    "reason": "load check (illustrative)"}  # fmt: skip
            response = await write.post("/ledger", json=body)
            ok = response.status_code == 201
            tally.note("POST /ledger", time.perf_counter() - started, ok, amount if ok else None)


async def run_clients(
    base: str, viewer: str, controller: str, seconds: float, tally: Tally, clients: int,
    writes: float, think: float,
) -> None:  # fmt: skip
    """All clients in one event loop: a light load generator, so the server gets the cores."""
    until = time.monotonic() + seconds
    tally.measure_from = time.monotonic() + min(WARM_UP, seconds / 4)
    await asyncio.gather(*(
        client_loop(base, viewer, controller, until, tally, n, writes, think)
        for n in range(clients)
    ))  # fmt: skip


def stored_writes(url: str) -> tuple[int, Decimal]:
    store = Store.open(url)
    found = ledger.entries(Context(store, local_operator()), EntryFilter(source="entered"))
    mine = [e for e in found if e.author == "load.controller"]
    store.engine.dispose()
    return len(mine), sum((e.amount.amount for e in mine), Decimal(0))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(tally: Tally, seconds: float, url: str) -> bool:
    total = tally.requests
    print(f"{total} requests in {seconds:.1f} s: {total / seconds:.0f} requests/s "
          f"(latency after the first {WARM_UP:.0f} s of warm-up)")  # fmt: skip
    for name, values in sorted(tally.latency.items()):
        print(f"  {name:24} n={len(values):6}  p50={statistics.median(values) * 1000:6.1f} ms  "
              f"p99={percentile(values, 0.99) * 1000:6.1f} ms  errors={tally.errors[name]}")  # fmt: skip
    count, amount = stored_writes(url)
    intact = (count, amount) == (tally.writes, tally.written)
    print(
        f"acknowledged writes: {tally.writes} totalling {tally.written} EUR; "
        f"stored: {count} totalling {amount} EUR -> {'none lost' if intact else 'LOST WRITES'}"
    )
    return intact and not any(tally.errors.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--writes", type=float, default=0.2, help="share of requests that write")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause between a client's requests, s (0: saturation)")  # fmt: skip
    args = parser.parse_args()
    name = f"synergies_load_{os.getpid()}"
    _admin(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    server = None
    try:
        viewer, controller = prepare(url)
        port = _free_port()
        server = start_server(url, port, args.workers)
        tally = Tally()
        started = time.monotonic()
        asyncio.run(run_clients(f"http://127.0.0.1:{port}", viewer, controller, args.seconds,
                                tally, args.clients, args.writes, args.think))  # fmt: skip
        ok = report(tally, time.monotonic() - started, url)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
