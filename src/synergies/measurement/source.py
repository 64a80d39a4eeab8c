"""Find a source's tables (files in a folder, or tables in a database) and read them with Ibis."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend
from ibis.util import gen_name

from synergies.domain.errors import InvalidInput
from synergies.measurement.contract import CONTRACTS_BY_NAME


@dataclass(frozen=True, slots=True)
class TableFiles:
    """The files holding one table: a single Parquet or CSV file, or a folder of Parquet parts."""

    table: str
    paths: tuple[Path, ...]
    format: str  # "parquet" or "csv"
    label: str  # how errors name it, e.g. "purchase_lines.csv"
    hive: bool = False  # parts in key=value folders (year=2016/month=03/partner=NISSAN)
    root: Path | None = None  # the folder of parts, for a table kept as one


@dataclass(frozen=True, slots=True)
class Source:
    """A source's tables as read, before validation; `files` is empty for a database."""

    backend: BaseBackend
    tables: dict[str, ir.Table]
    location: str
    files: dict[str, TableFiles] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)  # a lake's tables, under its URL

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
        found = tuple(sorted(p for p in parts.rglob("*.parquet") if not _hidden(p, parts)))
        if found:
            hive = any("=" in name for p in found for name in p.relative_to(parts).parts[:-1])
            return TableFiles(table, found, "parquet", f"{table}/", hive, parts)
    csv = folder / f"{table}.csv"
    if csv.is_file():
        return TableFiles(table, (csv,), "csv", csv.name)
    return None


def _hidden(path: Path, root: Path) -> bool:
    """Files Spark and Hive leave beside the data (_SUCCESS, .crc, _temporary/) are not parts."""
    return any(name.startswith(("_", ".")) for name in path.relative_to(root).parts)


def read_files(backend: BaseBackend, files: TableFiles) -> ir.Table:
    """Register the files with the engine. CSV is read as text so nothing is guessed.

    Parts in key=value folders get those keys as columns (as text: `month=03` stays "03"),
    so a `partner=NISSAN` folder holds NISSAN's lines without a partner column in the files."""
    paths = [str(p) for p in files.paths]
    if backend.name == "pyspark":
        return _spark_read(backend, files, paths)
    if files.format == "csv":
        return backend.read_csv(paths, all_varchar=True)
    if files.hive:
        return backend.read_parquet(paths, hive_partitioning=True, hive_types_autocast=False)
    return backend.read_parquet(paths)


def _spark_read(backend: BaseBackend, files: TableFiles, paths: list[str]) -> ir.Table:
    """Spark reads exactly the listed files (an incremental run lists some of a folder's)."""
    reader = backend._session.read
    if files.format == "csv":
        frame = reader.csv(paths, header=True, inferSchema=False)
    elif files.hive:
        frame = reader.option("basePath", str(files.root)).parquet(*paths)
    else:
        frame = reader.parquet(*paths)
    return _spark_table(backend, frame, files.table)


def _spark_table(backend: BaseBackend, frame: Any, table: str) -> ir.Table:
    """A Spark DataFrame as an Ibis table of the backend (through a temporary view)."""
    name = gen_name(f"read_{table}")
    frame.createOrReplaceTempView(name)
    return backend.table(name)


def _missing(table: str, location: str) -> InvalidInput:
    return InvalidInput(
        f"the source has no {table} table",
        field="source",  # not `location`: a server path or a URL with credentials
        fix=f"add {table}.parquet, {table}.csv or a folder {table}/ of Parquet parts",
    )


def open_folder(
    folder: Path, backend: BaseBackend, lines: tuple[Path, ...] | None = None
) -> Source:
    """The folder's tables; `lines`, when given, are the only purchase-line files read (an
    incremental run's new and changed partitions)."""
    if not folder.is_dir():
        raise InvalidInput(
            f"{folder} is not a folder", field="source", fix="give the folder holding the tables"
        )
    files: dict[str, TableFiles] = {}
    for name, contract in CONTRACTS_BY_NAME.items():
        found = find_files(folder, name)
        if found is not None and lines is not None and name == "purchase_lines":
            found = dataclasses.replace(found, paths=lines)
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


# Object storage (and file:// for a local lake), read by the engine's own readers.
LAKE_SCHEMES = ("file://", "s3://", "s3a://", "gs://", "gcs://", "az://", "abfss://", "hf://")


def lake_table(backend: BaseBackend, root: str, name: str) -> tuple[ir.Table, str] | None:
    """The table `name` under a lake URL, as NAME.parquet or a NAME/ folder of parts (in
    key=value folders or not), and where it was found; None when neither is there. The engine
    reads the URL itself: nothing is listed or downloaded here."""
    for shown, kind in ((f"{name}.parquet", "file"), (f"{name}/", "parts")):
        location = f"{root}/{shown}"
        try:
            if backend.name == "pyspark":
                frame = backend._session.read.parquet(location)
                return _spark_table(backend, frame, name), shown
            pattern = location if kind == "file" else f"{location}**/*.parquet"
            table = backend.read_parquet(pattern, hive_partitioning=kind == "parts",
                                         hive_types_autocast=False)  # fmt: skip
            return table, shown
        except Exception:  # noqa: S112 (each engine raises its own "no such file")
            continue
    return None


def open_lake(url: str, backend: BaseBackend) -> Source:
    root = url.rstrip("/")
    tables: dict[str, ir.Table] = {}
    locations: dict[str, str] = {}
    for name, contract in CONTRACTS_BY_NAME.items():
        found = lake_table(backend, root, name)
        if found is not None:
            tables[name], locations[name] = found
        elif not contract.optional:
            raise InvalidInput(
                f"the source has no {name} table",
                field="source",
                fix=f"put {name}.parquet or a folder {name}/ of Parquet parts under the URL",
            )
    return Source(backend, tables, url, locations=locations)


def open_source(
    location: str | Path | BaseBackend, backend: BaseBackend, lines: tuple[Path, ...] | None = None
) -> Source:
    """Open a folder (read by `backend`), a lake URL (read by `backend`), a database URL, or
    a connected Ibis backend."""
    if isinstance(location, BaseBackend):
        return open_database(location, f"{location.name} connection")
    text = str(location)
    if text.startswith(LAKE_SCHEMES):
        return open_lake(text, backend)
    if "://" in text:
        return open_database(ibis.connect(text), text)
    return open_folder(Path(location), backend, lines)
