"""The README's pictures of the dashboard: the example alliance served on a free port and
photographed in Debian's Chromium at laptop width (1366 x 768), the first screen of each page
(the overview whole), as PNG. Run: `make screenshots` (writes docs/screenshots/*.png)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from synergies.api.app import create_app
from synergies.services.context import Context
from synergies.services.example import add_demo_accounts, load_example
from synergies.services.security import local_operator
from synergies.storage.store import Store

OUT = Path(__file__).resolve().parent / "screenshots"
SHOTS = {  # name: (path, what must be drawn first, full page?)
    "overview": ("/?year=2015", ".chart[data-kind][data-drawn='true']", True),
    "initiative": ("/web/initiatives/MFG-003?as_of=2015", "#contribution", False),
    "organisation": ("/web/organisation?q=redzic", "#org-graph[data-drawn='true']", False),
    "convergence": ("/web/convergence", "#convergence-timeline[data-drawn='true']", False),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(f"sqlite:///{folder}/example.db")
        ctx = Context(store, local_operator())
        load_example(ctx)
        accounts = {a.name: a for a in add_demo_accounts(ctx)}
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(store), port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            account = accounts["rene.controller"]  # Renault's controller: signs off MFG-003
            page.goto(f"{url}/web/login")
            page.fill("#name", account.name)
            page.fill("#password", account.password)
            with page.expect_navigation():
                page.click("button[type=submit]")
            for name, (path, drawn, full) in SHOTS.items():
                page.goto(url + path)
                page.wait_for_selector(drawn, state="attached")
                target = OUT / f"{name}.png"
                page.screenshot(path=str(target), full_page=full)
                print(f"{target} ({target.stat().st_size // 1024} kB)")
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main()
