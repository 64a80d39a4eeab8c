"""Server time of each dashboard page, on the example alliance and on a large store, and the
time until the overview is drawn in Chromium.

Run: python benchmarks/web.py [--requests 60] [--large-entries 1000000]. The large store
(2,000 more initiatives, 1,000,000 ledger entries, SQLite) is built once into
build/bench-large-<N>.db and reused. Server time is what the request guard logs for each
request (the whole ASGI app, the page's services included), not the loopback round trip.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from synergies.api.app import create_app
from synergies.services.context import Context
from synergies.services.example import add_demo_accounts, load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

BUILD = Path(__file__).resolve().parents[1] / "build"
PAGES = (
    "/", "/?year=2014&currency=JPY", "/web/convergence", "/web/organisation", "/web/ownership",
    "/web/initiatives", "/web/initiatives?sort=-stage&limit=50", "/web/initiatives/{initiative}",
    "/web/ledger", "/web/ledger?offset=900", "/web/ledger?year=2015", "/web/measurements",
    "/web/agreements", "/web/admin",
)  # fmt: skip


AFTER_A_WRITE = ("/", "/web/initiatives", "/web/ledger", "/web/ledger?year=2015")
ENTRY = {"partner": "RENAULT", "period": "2015-06", "amount": {"amount": "1000.00",
         "currency": "EUR"}, "category": "cost reduction", "function": "purchasing"}  # fmt: skip


class Timings(logging.Handler):
    """Collects the milliseconds the access log gives for each request, filed under the page
    the benchmark is asking for (requests are sequential; the log has no query string)."""

    def __init__(self) -> None:
        super().__init__()
        self.current = ""
        self.by_page: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        _method, _path, _status, ms = record.args  # type: ignore[misc]
        self.by_page.setdefault(self.current, []).append(float(ms))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(store: Store) -> tuple[str, uvicorn.Server]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store), port=port, log_level="warning", lifespan="off")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def example_store(folder: Path) -> tuple[Store, str]:
    store = Store.create(f"sqlite:///{folder}/example.db")
    ctx = Context(store, local_operator())
    load_example(ctx)
    admin = add_demo_accounts(ctx)[0]
    return store, admin.password


def large_store(entries: int) -> tuple[Store, str]:
    """Built once (it takes minutes), then copied, so that runs start from the same store."""
    from large_store import build  # the generator (beside this file), only when needed

    kept = BUILD / f"bench-large-{entries}.db"
    if not kept.exists():
        BUILD.mkdir(exist_ok=True)
        print(f"building the large store once into {kept} …")
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build(f"sqlite:///{partial}", 2_000, entries).engine.dispose()
        partial.rename(kept)
    folder = Path(tempfile.mkdtemp())
    shutil.copyfile(kept, folder / "large.db")
    store = Store.open(f"sqlite:///{folder}/large.db")
    admin = add_demo_accounts(Context(store, local_operator()))[0]
    return store, admin.password


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure_pages(name: str, store: Store, password: str, requests: int) -> None:
    timings = Timings()
    access = logging.getLogger("synergies.access")
    access.addHandler(timings)
    access.setLevel(logging.INFO)
    url, server = serve(store)
    with httpx.Client(base_url=url, timeout=120, headers={"Origin": url}) as client:
        client.post("/auth/login", json={"name": "ada.admin", "password": password})
        initiative = client.get("/initiatives", params={"limit": 1}).json()["items"][0]["id"]
        pages = [p.format(initiative=initiative) for p in PAGES]
        first: dict[str, float] = {}
        for page in pages:
            for n in range(3):  # warm: first queries, caches, templates
                timings.current = page if n == 0 else ""
                _get(client, page)
            first[page] = timings.by_page.pop(page)[0]
        for _ in range(requests):
            for page in pages:
                timings.current = page
                _get(client, page)
        steady = timings.by_page
        timings.by_page = {}
        after: dict[str, list[float]] = {}
        for _ in range(5):  # a saving recorded, then each page read: caches follow the write
            for page in AFTER_A_WRITE:
                timings.current = ""
                written = client.post("/ledger", json=ENTRY)
                assert written.status_code == 201, written.text
                timings.current = page
                _get(client, page)
                after.setdefault(page, []).extend(timings.by_page.pop(page))
    server.should_exit = True
    access.removeHandler(timings)
    print(f"\n{name}: server time per page, ms (p50 and p99 of {requests} requests each)")
    print(f"  {'page':<44} {'first':>7} {'p50':>7} {'p99':>7} {'after a write':>14}")
    for page in pages:
        values = steady[page]
        written = f"{statistics.median(after[page]):14.1f}" if page in after else f"{'':14}"
        print(
            f"  {page:<44} {first[page]:7.1f} {statistics.median(values):7.1f} "
            f"{_percentile(values, 99):7.1f} {written}"
        )
    print("  first: the first request after start-up; after a write: median of 5, each read")
    print("  right after a new ledger entry was recorded")


def _get(client: httpx.Client, page: str) -> None:
    answer = client.get(page)
    if answer.status_code != 200:
        raise SystemExit(f"{page}: {answer.status_code} {answer.text[:300]}")


def overview_in_chromium(store: Store, password: str, runs: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    url, server = serve(store)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/web/login")
        page.fill("#name", "ada.admin")
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_function(
                "[...document.querySelectorAll('.chart[data-kind]')]"
                ".every(c => c.dataset.drawn === 'true')"
            )
            seconds.append(time.perf_counter() - started)
        browser.close()
    server.should_exit = True
    print(
        f"\noverview drawn in Chromium (navigation to every chart drawn), {runs} runs: "
        f"median {statistics.median(seconds) * 1000:.0f} ms, worst {max(seconds) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--large-entries", type=int, default=1_000_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, password = example_store(Path(folder))
        measure_pages("example alliance", store, password, args.requests)
        overview_in_chromium(store, password)
    if not args.skip_large:
        store, password = large_store(args.large_entries)
        measure_pages(
            f"large store (2,019 initiatives, {args.large_entries:,} + 2,404 ledger entries)",
            store, password, max(10, args.requests // 3),
        )  # fmt: skip


if __name__ == "__main__":
    main()
