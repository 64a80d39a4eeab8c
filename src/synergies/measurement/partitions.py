"""What changed in a folder source since a posted run: which purchase-line files (partitions)
are new, changed or gone, and so which months must be measured again.

A run records each file's path, size, modification time, SHA-256, the months its lines fall
in and a fingerprint of its Parquet footer (the footer holds every column chunk's statistics
and sizes, so nothing is scanned). A file whose path, size, time and footer are as recorded
keeps its recorded hash, so that a month's new partition on top of years of history costs the
reading of that month's files and the other files' footers, not the hashing of the history.
The footer catches a file rewritten in place with its size and time kept (other prices move
the price column's statistics). A file with no footer to compare (CSV, or recorded by a run
older than footers) is hashed whenever it is compared."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synergies.domain.calendar import Month

if TYPE_CHECKING:
    from pyarrow.parquet import FileMetaData

LINES = "purchase_lines"


def footer(path: Path) -> FileMetaData | None:
    """A Parquet file's footer (metadata), read without its data; None for another format."""
    if path.suffix != ".parquet":
        return None
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata


def footer_fingerprint(meta: FileMetaData) -> str:
    """SHA-256 of a canonical form of the footer: rows, schema, and each row group's column
    chunks with their sizes, offsets, encodings and statistics (min, max, nulls)."""
    body = json.dumps(meta.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def file_months(meta: FileMetaData) -> tuple[Month, Month] | None:
    """The first and last month of a Parquet file's posting dates, from its row groups'
    statistics; None when the file has no usable statistics."""
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    if "posting_date" not in names:
        return None
    column = names.index("posting_date")
    lows, highs = [], []
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        if stats is None or not stats.has_min_max:
            return None
        lows.append(stats.min)
        highs.append(stats.max)
    if not lows:
        return None
    low, high = _day(min(lows)), _day(max(highs))
    return (Month.of(low), Month.of(high)) if low and high else None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str | bytes):
        text = value.decode() if isinstance(value, bytes) else value
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def months_between(first: Month, last: Month) -> set[Month]:
    return {first.plus(n) for n in range(first.months_until(last) + 1)}


def recorded_months(entry: Mapping[str, Any]) -> set[Month] | None:
    first, last = entry.get("first_month"), entry.get("last_month")
    if not first or not last:
        return None
    return months_between(Month.parse(first), Month.parse(last))


def stat_key(entry: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return entry.get("path"), entry.get("bytes"), entry.get("mtime_ns")


def same_file(recorded: Mapping[str, Any], stat: Mapping[str, Any], path: Path) -> bool:
    """Whether a file is the one a run recorded, without hashing it: the same path, size and
    time, and the same footer. A recorded entry without a footer fingerprint (a CSV file, or
    a run older than fingerprints) cannot tell: False, so the file is hashed."""
    if stat_key(recorded) != stat_key(stat) or not recorded.get("footer"):
        return False
    meta = footer(path)
    return meta is not None and footer_fingerprint(meta) == recorded["footer"]


@dataclass(frozen=True, slots=True)
class Changes:
    """How a source differs from a posted run. `months` None means every month."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    months: frozenset[Month] | None = frozenset()
    why_all: str | None = None  # why every month is measured again
    read: tuple[str, ...] = ()  # purchase-line files to read

    @property
    def nothing(self) -> bool:
        return self.months is not None and not self.months


def diff(
    recorded: Mapping[str, Mapping[str, Any]],
    current: Mapping[str, Mapping[str, Any]],
) -> Changes:
    """Compare purchase-line file entries (path -> entry with sha256 and months)."""
    new = tuple(p for p in current if p not in recorded)
    removed = tuple(p for p in recorded if p not in current)
    changed = tuple(
        p for p in current if p in recorded and current[p]["sha256"] != recorded[p]["sha256"]
    )
    unchanged = tuple(p for p in current if p not in new and p not in changed)
    months: set[Month] = set()
    for path, entries in (
        *((p, [current[p]]) for p in new),
        *((p, [current[p], recorded[p]]) for p in changed),
        *((p, [recorded[p]]) for p in removed),
    ):
        for entry in entries:
            found = recorded_months(entry)
            if found is None:
                return everything(f"{path} has no posting-date statistics", new, changed,
                                  removed, unchanged, current)  # fmt: skip
            months |= found
    read = tuple(p for p in current if _overlaps(current[p], months))
    return Changes(new, changed, removed, unchanged, frozenset(months), None, read)


def _overlaps(entry: Mapping[str, Any], months: set[Month]) -> bool:
    found = recorded_months(entry)
    return found is None or bool(found & months)


def everything(
    why: str,
    new: Iterable[str] = (),
    changed: Iterable[str] = (),
    removed: Iterable[str] = (),
    unchanged: Iterable[str] = (),
    current: Iterable[str] = (),
) -> Changes:
    return Changes(
        tuple(new), tuple(changed), tuple(removed), tuple(unchanged), None, why, tuple(current)
    )
