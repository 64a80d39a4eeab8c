"""Creating, upgrading and filling a store."""

from __future__ import annotations

import typer

from synergies.cli.options import DbOption, open_context
from synergies.cli.output import console
from synergies.services.example import load_example
from synergies.storage import engine as engines
from synergies.storage.store import Store

db_app = typer.Typer(help="Manage the store's schema (Alembic migrations).", no_args_is_help=True)


def init(db: DbOption = None) -> None:
    """Create an empty alliance store with the newest schema."""
    store = Store.create(db)
    console().print(f"created an empty alliance store at {store.url}")


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Apply pending migrations to an existing store (nothing to do if it is current)."""
    url = engines.resolve_url(db)
    engine = engines.make_engine(url)
    before = engines.current_revision(engine)
    engines.upgrade(engine)
    after = engines.current_revision(engine)
    state = "already current" if before == after else f"upgraded from {before or 'empty'}"
    console().print(f"{engine.url.render_as_string(hide_password=True)}: {state} (at {after})")


@db_app.command("status")
def status(db: DbOption = None) -> None:
    """Show the store's schema revision and the newest one this version knows."""
    engine = engines.make_engine(engines.resolve_url(db))
    current, head = engines.current_revision(engine), engines.head_revision(engine)
    console().print(f"schema at {current or 'none'}; newest is {head}")


def demo(db: DbOption = None) -> None:
    """Load the example alliance (Renault-Nissan, March 2016) into the store, once."""
    ctx = open_context(db)
    loaded = load_example(ctx)
    out = console()
    if loaded.already_loaded:
        out.print("the example alliance is already in this store; nothing written")
        return
    out.print(
        f"loaded the example alliance: {loaded.partners} partners, {loaded.initiatives} "
        f"initiatives, {loaded.ledger_entries} ledger entries "
        "(details not in public sources are marked illustrative)"
    )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
    app.add_typer(db_app, name="db")
