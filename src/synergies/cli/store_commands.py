"""Creating, upgrading and filling a store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synergies.cli.options import DbOption, open_context
from synergies.cli.output import console
from synergies.services.example import DemoAccount, add_demo_accounts, load_example
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


DASHBOARD_HINT = "Open the dashboard: run `synergies serve`, then http://127.0.0.1:8000/"


def accounts_text(made: list[DemoAccount]) -> str:
    """The demo accounts and how to use them, as the user reads them once."""
    width = max(len(a.name) for a in made)
    lines = [
        DASHBOARD_HINT,
        "and log in as one of these demo accounts (passwords made for this store):",
    ]
    for a in made:
        scope = ", ".join(filter(None, [a.partner, *a.functions]))
        role = f"{a.role.value} ({scope})" if scope else a.role.value
        lines.append(f"  {a.name:<{width}}  {a.password}  {role}")
    return "\n".join(lines) + "\n"


def demo(
    db: DbOption = None,
    accounts_file: Annotated[
        Path | None,
        typer.Option(help="Also write the demo accounts and their passwords to this file "
                          "(readable by you only)."),
    ] = None,
) -> None:  # fmt: skip
    """Load the example alliance (Renault-Nissan, March 2016) into the store, once."""
    ctx = open_context(db)
    with ctx.transaction():  # the alliance and its demo accounts, all or nothing
        loaded = load_example(ctx)
        made = [] if loaded.already_loaded else add_demo_accounts(ctx)
    out = console()
    if loaded.already_loaded:
        out.print("the example alliance is already in this store; nothing written")
        return
    out.print(
        f"loaded the example alliance: {loaded.partners} partners, {loaded.initiatives} "
        f"initiatives, {loaded.ledger_entries} ledger entries "
        "(details not in public sources are marked illustrative)"
    )
    text = accounts_text(made)
    out.print(text, markup=False, highlight=False, end="")
    if accounts_file is not None:
        accounts_file.write_text("")
        accounts_file.chmod(0o600)  # before the passwords go in
        accounts_file.write_text(text)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
    app.add_typer(db_app, name="db")
