"""The store at scale on PostgreSQL: 2,000 initiatives and 1,000,000 ledger entries (built once
through the services by large_store.py, kept in the database synergies_bench_large), then:

- `synergies report` and `synergies forecast`, the whole command in a fresh process;
- the report and the forecast through the service, cold (first call in a process) and warm;
- GET /reports/synergies through the API on a real server, first request and p50/p99.

    python benchmarks/pg_store.py [--admin postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import uvicorn

sys.path.insert(0, str(Path(__file__).parent))

DATABASE = "synergies_bench_large"


def ensure_store(admin: str) -> str:
    from large_store import build

    url = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{url}/{DATABASE}"
    from synergies.storage.store import Store

    with psycopg.connect(admin, autocommit=True) as conn:
        known = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if known.fetchone() is not None:
            return url  # built by an earlier run (a failed build drops it)
        conn.execute(f'CREATE DATABASE "{DATABASE}"')  # type: ignore[arg-type]
    print(f"building the large store once into {DATABASE} (minutes) …", flush=True)
    started = time.perf_counter()
    try:
        build(url, 2_000, 1_000_000).engine.dispose()
    except BaseException:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')  # type: ignore[arg-type]
        raise
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    assert Store.open(url) is not None
    return url


def command(args: list[str], url: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "synergies"), *args, "--db", url, "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"synergies {' '.join(args)} failed: {done.stderr[-500:]}")
    return time.perf_counter() - started


def service_calls(url: str) -> None:
    from synergies.services import forecasts, reports
    from synergies.services.context import Context
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    store = Store.open(url)
    ctx = Context(store, local_operator())
    for name, call in (
        ("report", lambda: reports.synergy_report(ctx)),
        ("forecast, 100,000 trials", lambda: forecasts.run_forecast(ctx)),
    ):
        started = time.perf_counter()
        call()
        cold = time.perf_counter() - started
        warm = []
        for _ in range(20):
            started = time.perf_counter()
            call()
            warm.append(time.perf_counter() - started)
        print(
            f"  service {name:<26} cold {cold * 1000:8.1f} ms   warm p50 "
            f"{statistics.median(warm) * 1000:6.2f} ms"
        )
    store.engine.dispose()


def api_route(url: str, requests: int = 50) -> None:
    from synergies.api.app import create_app
    from synergies.domain.accounts import Role
    from synergies.services import accounts
    from synergies.services.context import Context
    from synergies.services.security import local_operator
    from synergies.storage.store import Store

    store = Store.open(url)
    name, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    accounts.add_user(Context(store, local_operator()), name, Role.admin, password)
    server = uvicorn.Server(uvicorn.Config(create_app(store), port=0, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120, headers={"Origin": base}) as client:
        client.post("/auth/login", json={"name": name, "password": password})
        started = time.perf_counter()
        first = client.get("/reports/synergies")
        cold = time.perf_counter() - started
        assert first.status_code == 200, first.text
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            assert client.get("/reports/synergies").status_code == 200
            times.append(time.perf_counter() - started)
    server.should_exit = True
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"  GET /reports/synergies           first {cold * 1000:7.1f} ms   p50 "
        f"{statistics.median(times) * 1000:6.2f} ms   p99 {p99 * 1000:6.2f} ms (client side)"
    )
    store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("SYNERGIES_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--admin", default=default)
    args = parser.parse_args()
    url = ensure_store(args.admin)
    print("\nPostgreSQL store, 2,000 initiatives, 1,000,000 ledger entries")
    for label, cmd in (("report", ["report"]), ("forecast", ["forecast"])):
        seconds = [command(cmd, url) for _ in range(3)]
        print(f"  `synergies {label}` whole command: {', '.join(f'{s:.2f}' for s in seconds)} s")
    service_calls(url)
    api_route(url)


if __name__ == "__main__":
    main()
