"""Where a measurement came from: the source's files or tables, and how it was computed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ibis.backends import BaseBackend

from synergies.measurement.partitions import LINES, file_months, footer, footer_fingerprint
from synergies.measurement.source import Source

METHOD = "purchasing-hard-savings"
METHOD_VERSION = "1.0"
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, read in chunks (the GIL is released while hashing)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


Digests = Mapping[Path, str]


def start_digests(source: Source, known: Digests | None = None) -> Future[dict[Path, str]]:
    """Hash the source's files in a background thread, so that hashing overlaps the queries
    (hashlib releases the GIL); the content hash itself is unchanged. `known` hashes (of
    files whose size and time are as a run recorded them) are taken as they are."""
    paths = [path for files in source.files.values() for path in files.paths]
    given = dict(known or {})
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
    future = executor.submit(lambda: {p: given.get(p) or file_digest(p) for p in paths})
    executor.shutdown(wait=False)
    return future


def source_label(location: str) -> str:
    """How a source is shown: a folder by its name, a database URL without its credentials
    or the folders holding it. Never the machine's absolute path (it tells an attacker where
    the data lies, and another machine's path means nothing)."""
    if "://" not in location:
        return Path(location).name or location
    scheme, _, rest = location.partition("://")
    host = rest.split("/", 1)[0].rpartition("@")[2]
    name = Path(rest.split("?", 1)[0]).name
    return f"{scheme}://{host}/{name}"


def shown_path(path: Path, folder: Path) -> str:
    """A file's path relative to its source folder (its name if it lies elsewhere)."""
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name


def file_stat(path: Path, folder: Path) -> dict[str, Any]:
    """A file's path (relative to the source folder), size and modification time."""
    stat = path.stat()
    return {"path": shown_path(path, folder), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def file_entry(
    path: Path, folder: Path, digests: Digests | None = None, *, months: bool = False
) -> dict[str, Any]:
    """A file's path, size, time and hash; with `months`, for a Parquet file, its footer's
    fingerprint and the first and last month of its posting dates where its statistics say
    (an incremental run compares and reads them)."""
    digest = digests.get(path) if digests else None
    entry = file_stat(path, folder)
    entry["sha256"] = digest or file_digest(path)
    meta = footer(path) if months else None
    if meta is None:
        return entry
    entry["footer"] = footer_fingerprint(meta)
    span = file_months(meta)
    if span is not None:
        entry["first_month"], entry["last_month"] = str(span[0]), str(span[1])
    return entry


def table_entry(
    source: Source, name: str, rows: int | None, digests: Digests | None = None
) -> dict[str, Any]:
    """A table's files with sizes and hashes, or the database table it was read from."""
    entry: dict[str, Any] = {"rows": rows}
    files = source.files.get(name)
    if files is not None:
        folder = Path(source.location)
        lines = name == LINES
        entry["files"] = [file_entry(p, folder, digests, months=lines) for p in files.paths]
    elif name in source.locations:
        entry["location"] = source.locations[name]
    else:
        entry["table"] = name
    return entry


def content_hash(tables: Mapping[str, Mapping[str, Any]]) -> str | None:
    """SHA-256 of the tables' contents (their files' hashes, whatever the files are called or
    wherever they lie): the identity of a folder source. None for a database source, whose
    tables are not hashed."""
    if not tables or any("files" not in entry for entry in tables.values()):
        return None
    body = {name: sorted(f["sha256"] for f in entry["files"]) for name, entry in tables.items()}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def fingerprint(
    source: Source,
    row_counts: dict[str, int],
    queries: dict[str, str],
    engine: BaseBackend,
    digests: Digests | None = None,
) -> dict[str, Any]:
    """The lineage of a measurement: source, tables (files, sizes, hashes, rows), method, queries.

    Files are named relative to the source folder; `content_sha256` identifies the content.

    `digests` are SHA-256 hashes already computed (see `start_digests`); others are computed.
    """
    tables = {
        name: table_entry(source, name, row_counts.get(name), digests)
        for name in sorted(source.tables)
    }
    return {
        "source": source_label(source.location),
        "content_sha256": content_hash(tables),
        "engine": engine.name,
        "method": METHOD,
        "method_version": METHOD_VERSION,
        "tables": tables,
        "queries": queries,
    }
