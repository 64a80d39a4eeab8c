"""Find a source's tables (files in a folder, or tables in a database) and read them with Ibis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from synergies.domain.errors import InvalidInput
from synergies.measurement.contract import CONTRACTS_BY_NAME


@dataclass(frozen=True, slots=True)
class TableFiles:
    """The files holding one table: a single Parquet or CSV file, or a folder of Parquet parts."""

    table: str
    paths: tuple[Path, ...]
    format: str  # "parquet" or "csv"
    label: str  # how errors name it, e.g. "purchase_lines.csv"


@dataclass(frozen=True, slots=True)
class Source:
    """A source's tables as read, before validation; `files` is empty for a database."""

    backend: BaseBackend
    tables: dict[str, ir.Table]
    location: str
    files: dict[str, TableFiles] = field(default_factory=dict)

    def label(self, table: str) -> str:
        found = self.files.get(table)
        return found.label if found else table


def find_files(folder: Path, table: str) -> TableFiles | None:
    """The files of `table` in `folder`, preferring Parquet; None when absent."""
    single = folder / f"{table}.parquet"
    if single.is_file():
        return TableFiles(table, (single,), "parquet", single.name)
    parts = folder / table
    if parts.is_dir():
        found = tuple(sorted(parts.glob("*.parquet")))
        if found:
            return TableFiles(table, found, "parquet", f"{table}/")
    csv = folder / f"{table}.csv"
    if csv.is_file():
        return TableFiles(table, (csv,), "csv", csv.name)
    return None


def read_files(backend: BaseBackend, files: TableFiles) -> ir.Table:
    """Register the files with the engine. CSV is read as text so nothing is guessed."""
    paths = [str(p) for p in files.paths]
    spark = backend.name == "pyspark"
    if files.format == "csv":
        if spark:
            return backend.read_csv(paths, header=True, inferSchema=False)
        return backend.read_csv(paths, all_varchar=True)
    if spark:
        return backend.read_parquet(paths[0] if len(paths) == 1 else str(files.paths[0].parent))
    return backend.read_parquet(paths)


def _missing(table: str, location: str) -> InvalidInput:
    return InvalidInput(
        f"the source has no {table} table",
        field="source",  # not `location`: a server path or a URL with credentials
        fix=f"add {table}.parquet, {table}.csv or a folder {table}/ of Parquet parts",
    )


def open_folder(folder: Path, backend: BaseBackend) -> Source:
    if not folder.is_dir():
        raise InvalidInput(
            f"{folder} is not a folder", field="source", fix="give the folder holding the tables"
        )
    files: dict[str, TableFiles] = {}
    for name, contract in CONTRACTS_BY_NAME.items():
        found = find_files(folder, name)
        if found is not None:
            files[name] = found
        elif not contract.optional:
            raise _missing(name, str(folder))
    tables = {name: read_files(backend, f) for name, f in files.items()}
    return Source(backend, tables, str(folder), files)


def database_table(backend: BaseBackend, name: str) -> ir.Table | None:
    """The named table, or None. Asks for it directly: Ibis 12's list_tables fails on DuckDB 2."""
    try:
        return backend.table(name)
    except Exception:  # each backend raises its own "no such table" error
        return None


def open_database(backend: BaseBackend, location: str) -> Source:
    tables: dict[str, ir.Table] = {}
    for name, contract in CONTRACTS_BY_NAME.items():
        found = database_table(backend, name)
        if found is not None:
            tables[name] = found
        elif not contract.optional:
            raise _missing(name, location)
    return Source(backend, tables, location)


def open_source(location: str | Path | BaseBackend, backend: BaseBackend) -> Source:
    """Open a folder (read by `backend`), a database URL, or a connected Ibis backend."""
    if isinstance(location, BaseBackend):
        return open_database(location, f"{location.name} connection")
    text = str(location)
    if "://" in text:
        return open_database(ibis.connect(text), text)
    return open_folder(Path(location), backend)
