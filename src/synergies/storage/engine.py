"""Finding the store (--db, SYNERGIES_DB, a project's .synergies.toml, or a file in the user's
data directory) and keeping its schema current with Alembic.

Alembic is imported only where migrations run or are inspected: opening a current store
compares its revision with HEAD_REVISION and needs no migration scripts.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from synergies.domain.errors import InvalidInput

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "SYNERGIES_DB"
PROJECT_FILE = ".synergies.toml"
MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration in MIGRATIONS; tests/storage check it against the scripts. Raise it
# with every new migration (a stale value only costs a slower check, see Store.open).
HEAD_REVISION = "0010"


@dataclass(frozen=True, slots=True)
class Location:
    """A store's URL and how it was found, for messages that say where we looked."""

    url: str
    source: str


def default_url() -> str:
    return f"sqlite:///{user_data_path('synergies') / 'synergies.db'}"


def project_file(start: Path | None = None) -> Path | None:
    """The nearest .synergies.toml in `start` (default: the working folder) or a parent."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate / PROJECT_FILE
    return None


def _project_url(path: Path) -> str:
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", field="db",
                           fix='write it as: db = "sqlite:///.demo/synergies.db"') from None  # fmt: skip
    url = settings.get("db")
    if not isinstance(url, str) or not url:
        raise InvalidInput(f"{path} names no store", field="db",
                           fix='add a line: db = "sqlite:///.demo/synergies.db"')  # fmt: skip
    return _anchored(url, path.parent)


def _anchored(url: str, folder: Path) -> str:
    """A relative SQLite path in a project file is relative to that file's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(folder / url[len(prefix) :])
    return url


def locate(db: str | None) -> Location:
    """--db wins, then $SYNERGIES_DB, then the project file, then the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if db:
        found = Location(db, f"${ENV_VAR}" if db == env else "--db")
    elif env:
        found = Location(env, f"${ENV_VAR}")
    elif (path := project_file()) is not None:
        found = Location(_project_url(path), str(path))
    else:
        found = Location(default_url(), f"the default: no --db, no ${ENV_VAR}, no "
                         f"{PROJECT_FILE} in {Path.cwd()} or a parent")  # fmt: skip
    return Location(_with_driver(found.url), found.source)


def _with_driver(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def resolve_url(db: str | None) -> str:
    return locate(db).url


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidInput(
            f"{url!r} is not a database URL",
            field="db",
            fix="use sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/name",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=20)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def stored_revision(engine: Engine) -> str | None:
    """The store's schema revision, read from Alembic's table without importing Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(revision) if revision is not None else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
