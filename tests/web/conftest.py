"""The dashboard in a real browser: a live server on the example alliance, Debian's Chromium
driven by Playwright (never a browser Playwright downloads), one signed-in page per role.

Every page a test opens is watched: a request to any host but the server, a script error or
a Content-Security-Policy violation fails the test that caused it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from synergies.api.app import create_app
from synergies.services.context import Context
from synergies.services.example import DemoAccount, add_demo_accounts, load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

CHROMIUM = os.environ.get("SYNERGIES_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.11.0" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
WIDTHS = {"laptop": LAPTOP, "tablet": TABLET}

# Roles by the short names tests use.
ROLES = {
    "admin": "ada.admin",
    "lead": "pat.purchasing",
    "renault": "rene.controller",
    "nissan": "naoko.controller",
    "approver": "abe.approver",
    "clean_team": "cleo.cleanteam",
    "viewer": "vic.viewer",
}


def _chromium_missing() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    return (
        f"Debian's chromium is not at {CHROMIUM}: `make test` installs it "
        "(apt-get install chromium), or set SYNERGIES_CHROMIUM"
    )


@dataclass
class Dashboard:
    """A running server over a store holding the example alliance and an account per role."""

    url: str
    store: Store
    accounts: dict[str, DemoAccount]

    def account(self, role: str) -> DemoAccount:
        return self.accounts[ROLES[role]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def example_store_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DemoAccount]]:
    """The example alliance with demo accounts, built once; each server gets a copy."""
    path = tmp_path_factory.mktemp("dashboard") / "template.db"
    store = Store.create(f"sqlite:///{path}")
    ctx = Context(store, local_operator())
    load_example(ctx)
    made = add_demo_accounts(ctx)
    store.engine.dispose()
    return path, made


def _serve(store: Store) -> tuple[str, uvicorn.Server, threading.Thread]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(store), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


def _dashboard(source: tuple[Path, list[DemoAccount]], folder: Path) -> Iterator[Dashboard]:
    template, made = source
    copy = folder / "dashboard.db"
    shutil.copyfile(template, copy)
    store = Store.open(f"sqlite:///{copy}")
    url, server, thread = _serve(store)
    yield Dashboard(url, store, {a.name: a for a in made})
    server.should_exit = True
    thread.join(timeout=10)
    store.engine.dispose()


@pytest.fixture(scope="session")
def dashboard(
    example_store_file: tuple[Path, list[DemoAccount]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """A server for tests that only read (shared by the tests of a worker)."""
    yield from _dashboard(example_store_file, tmp_path_factory.mktemp("read-only"))


@pytest.fixture
def writable_dashboard(
    example_store_file: tuple[Path, list[DemoAccount]], tmp_path: Path
) -> Iterator[Dashboard]:
    """A server of its own, for a test that changes the store."""
    yield from _dashboard(example_store_file, tmp_path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if missing := _chromium_missing():
        pytest.skip(missing)
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@dataclass
class Watch:
    """What a page did that it must not: foreign requests, script errors, CSP violations."""

    server: str
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def request(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.server:
            self.foreign.append(url)

    def console(self, kind: str, text: str) -> None:
        if kind == "error" and "Failed to load resource" not in text:
            self.errors.append(text)


def _login(page: Page, base: str, account: DemoAccount) -> None:
    page.goto(f"{base}/web/login")
    page.fill("#name", account.name)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.click("button[type=submit]")


PageAs = Callable[..., Page]


@pytest.fixture
def page_as(browser: Browser, request: pytest.FixtureRequest) -> Iterator[PageAs]:
    """`page_as(dashboard, "renault", width="tablet")`: a signed-in page for that role
    (`role=None`: not signed in; `scripts=False`: a browser with JavaScript off). Fails the
    test on a foreign request or a script error."""
    opened: list[tuple[BrowserContext, Watch]] = []

    def open_page(
        board: Dashboard, role: str | None, width: str = "laptop", scripts: bool = True
    ) -> Page:
        context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=scripts)
        page = context.new_page()
        watch = Watch(board.url)
        page.on("request", lambda r: watch.request(r.url))
        page.on("console", lambda m: watch.console(m.type, m.text))
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        opened.append((context, watch))
        if role is not None:
            _login(page, board.url, board.account(role))
        return page

    yield open_page
    for context, watch in opened:
        context.close()
        assert not watch.foreign, f"the page requested other hosts: {watch.foreign}"
        assert not watch.errors, f"script errors or CSP violations: {watch.errors}"


def signed_in(board: Dashboard, role: str) -> TestClient:
    """A client of the dashboard's application (no browser), signed in as `role`."""
    web = TestClient(create_app(board.store), headers={"Origin": "http://testserver"})
    account = board.account(role)
    answer = web.post(
        "/web/login", data={"name": account.name, "password": account.password},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    return web


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact (build/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"""
    )
    return list(found)
