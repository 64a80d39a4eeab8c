"""Options every command shares, and the service context a command runs in."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.output import Format
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SYNERGIES_DB",
        help="Store URL (any SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/"
        "synergies). Default: $SYNERGIES_DB, else the db in the nearest .synergies.toml (this "
        "folder or a parent), else synergies.db in the user's data directory.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output as a table, JSON or CSV.")
]


def open_context(db: str | None) -> Context:
    """The local operator acting on an existing, current store."""
    return Context(Store.open(db), local_operator())
