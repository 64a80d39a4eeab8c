"""`synergies serve`: the REST API on uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from synergies.cli.options import DbOption
from synergies.domain.errors import InvalidInput
from synergies.storage import engine
from synergies.storage.store import Store


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    sources: Annotated[
        Path | None,
        typer.Option(help="Folder of purchase sources that POST /measurements may read."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the web dashboard (at /) and the REST API (OpenAPI at /openapi.json, docs at /docs)."""
    # The server and the API (FastAPI, every router) load only when serving.
    import uvicorn

    from synergies.api.app import SOURCES_VAR

    url = engine.resolve_url(db)
    Store.open(url).engine.dispose()  # refuse a missing or outdated store before listening
    os.environ[engine.ENV_VAR] = url  # each worker opens the store named here
    if sources is not None:
        if not sources.is_dir():
            raise InvalidInput(f"{sources} is not a folder", field="--sources",
                               fix="name an existing folder")  # fmt: skip
        os.environ[SOURCES_VAR] = str(sources.resolve())
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"dashboard at http://{shown}:{port}/ · API docs at http://{shown}:{port}/docs")
    uvicorn.run(
        "synergies.api.app:app_from_environment", factory=True, host=host, port=port,
        workers=workers, log_level="warning",
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
