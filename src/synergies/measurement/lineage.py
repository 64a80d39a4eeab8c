"""Where a measurement came from: the source's files or tables, and how it was computed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ibis.backends import BaseBackend

from synergies.measurement.source import Source

METHOD = "purchasing-hard-savings"
METHOD_VERSION = "1.0"
_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, read in chunks (the GIL is released while hashing)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


Digests = Mapping[Path, str]


def start_digests(source: Source) -> Future[dict[Path, str]]:
    """Hash the source's files in a background thread, so that hashing overlaps the queries
    (hashlib releases the GIL); the content hash itself is unchanged."""
    paths = [path for files in source.files.values() for path in files.paths]
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fingerprint")
    future = executor.submit(lambda: {path: file_digest(path) for path in paths})
    executor.shutdown(wait=False)
    return future


def file_entry(path: Path, digests: Digests | None = None) -> dict[str, Any]:
    digest = digests.get(path) if digests else None
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "sha256": digest or file_digest(path),
    }


def table_entry(
    source: Source, name: str, rows: int | None, digests: Digests | None = None
) -> dict[str, Any]:
    """A table's files with sizes and hashes, or the database table it was read from."""
    entry: dict[str, Any] = {"rows": rows}
    files = source.files.get(name)
    if files is not None:
        entry["files"] = [file_entry(p, digests) for p in files.paths]
    else:
        entry["table"] = name
    return entry


def fingerprint(
    source: Source,
    row_counts: dict[str, int],
    queries: dict[str, str],
    engine: BaseBackend,
    digests: Digests | None = None,
) -> dict[str, Any]:
    """The lineage of a measurement: source, tables (files, sizes, hashes, rows), method, queries.

    `digests` are SHA-256 hashes already computed (see `start_digests`); others are computed.
    """
    return {
        "source": source.location,
        "engine": engine.name,
        "method": METHOD,
        "method_version": METHOD_VERSION,
        "tables": {
            name: table_entry(source, name, row_counts.get(name), digests)
            for name in sorted(source.tables)
        },
        "queries": queries,
    }
