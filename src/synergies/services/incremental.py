"""Incremental posting: measure only the purchase-line files (partitions) that are new or
changed since the source's last posted run, and post only the difference.

The last run recorded every file with its hash and the months its lines fall in. A new
month's partition is hashed, read and measured alone; a changed or removed old partition
makes its months be measured again, from every file that holds lines of those months, and
what changed there is reversed and posted anew, as for a whole source. A change to any other
table (baselines, scope, rates, quotes, contracts) touches every month: the whole source is
measured again, and the run says why."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.measurement.contract import CONTRACTS_BY_NAME
from synergies.measurement.engines import LOCAL, Engine, SparkSettings
from synergies.measurement.lineage import content_hash, file_entry, file_stat
from synergies.measurement.measure import Period, Selection, measure
from synergies.measurement.partitions import LINES, Changes, diff, everything, same_file
from synergies.measurement.source import find_files
from synergies.services import measurement
from synergies.services.context import Context
from synergies.storage import measurement_rows
from synergies.storage.measurement_rows import MeasurementRun


@dataclass(frozen=True, slots=True)
class IncrementalOutcome:
    changes: Changes
    base_run: int | None  # the run the source was compared with
    posted: measurement.PostOutcome | None  # None: nothing new, nothing measured


def base_run(ctx: Context, source: str | Path) -> MeasurementRun | None:
    """The newest run posted from this source (the one its standing entries come from)."""
    wanted = measurement.source_id(measurement.source_key(source))
    with ctx.reading() as conn:
        runs = measurement_rows.load_runs(conn)
    return next((r for r in reversed(runs) if r.fingerprint.get("source_id") == wanted), None)


def current_files(folder: Path, recorded: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Each table's file entries as a run records them; a purchase-line file whose path, size,
    time and Parquet footer are as recorded keeps its recorded hash and months (only its
    footer is read); any other file is hashed."""
    tables: dict[str, Any] = {}
    for name in CONTRACTS_BY_NAME:
        found = find_files(folder, name)
        if found is None:
            continue
        entries = []
        for path in found.paths:
            stat = file_stat(path, folder)
            known = recorded.get(stat["path"]) if name == LINES else None
            if known is not None and same_file(known, stat, path):
                entries.append(dict(known))
            else:
                entries.append(file_entry(path, folder, months=name == LINES))
        tables[name] = {"files": entries}
    return tables


def _files(entry: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    return {f["path"]: f for f in (entry or {}).get("files", [])}


def changes_since(
    base: MeasurementRun | None,
    tables: Mapping[str, Any],
    reporting_currency: str,
    period: Period,
) -> Changes:
    current_lines = _files(tables.get(LINES))
    if base is None:
        return everything("no run of this source was posted yet", new=current_lines,
                          current=current_lines)  # fmt: skip
    lineage = base.fingerprint
    recorded = lineage.get("tables", {})
    found = diff(_files(recorded.get(LINES)), current_lines)
    why = _why_every_month(base, recorded, tables, reporting_currency, period)
    if why is None:
        return found
    return dataclasses.replace(found, months=None, why_all=why, read=tuple(current_lines))


def _why_every_month(
    base: MeasurementRun,
    recorded: Mapping[str, Any],
    tables: Mapping[str, Any],
    reporting_currency: str,
    period: Period,
) -> str | None:
    """Why the partitions alone cannot say what to measure again, if they cannot."""
    if base.reporting_currency != reporting_currency:
        return f"run {base.id} was measured in {base.reporting_currency}"
    if base.fingerprint.get("period") != measurement.period_record(period):
        return f"run {base.id} measured another period"
    first = next(iter(_files(recorded.get(LINES)).values()), {})
    if "mtime_ns" not in first:
        return f"run {base.id} recorded no partition details"
    for name in sorted(set(tables) | set(recorded)):
        if name == LINES:
            continue
        before = sorted(f["sha256"] for f in _files(recorded.get(name)).values())
        after = sorted(f["sha256"] for f in _files(tables.get(name)).values())
        if before != after:
            return f"{name} changed since run {base.id}: every month is measured"
    return None


def post_incremental(
    ctx: Context,
    source: str | Path,
    *,
    label: str | None = None,
    reporting_currency: str = "EUR",
    period: Period = measurement.WHOLE_SOURCE,
    engine: Engine = Engine.duckdb,
    spark: SparkSettings = LOCAL,
) -> IncrementalOutcome:
    """Post what is new or changed in a folder source since its last run (see the module)."""
    measurement.authorize_posting(ctx)
    folder = Path(source)
    if "://" in str(source) or not folder.is_dir():
        raise InvalidInput(
            "an incremental run needs a folder source, whose files it can hash",
            field="source",
            fix="leave out --incremental for database and lake sources: they are measured whole",
        )
    base = base_run(ctx, source)
    recorded = _files(base.fingerprint.get("tables", {}).get(LINES)) if base else {}
    tables = current_files(folder, recorded)
    if LINES not in tables:
        raise InvalidInput("the source has no purchase_lines table", field="source",
                           fix="add purchase_lines.parquet or a folder purchase_lines/")  # fmt: skip
    changes = changes_since(base, tables, reporting_currency, period)
    if changes.nothing:
        return IncrementalOutcome(changes, base.id if base else None, None)
    digests = {folder / f["path"]: f["sha256"] for name in tables for f in tables[name]["files"]}
    # A month whose every partition is gone has nothing left to read; one file that holds
    # none of its lines gives the engine a table with no line of those months.
    read = changes.read or (next(iter(_files(tables[LINES]))),)
    only = Selection(
        parts=tuple(folder / p for p in read),
        months=changes.months,
        digests=digests,
    )
    result = measure(
        source, reporting_currency=reporting_currency, period=period, engine=engine,
        spark=spark, only=only, line_ranges=True,
    )  # fmt: skip
    result = _whole_lineage(result, tables, changes, base)
    posted = measurement.post_result(
        ctx, source, result, period, label=label, months=changes.months
    )
    return IncrementalOutcome(changes, base.id if base else None, posted)


def _whole_lineage(
    result: Any, tables: Mapping[str, Any], changes: Changes, base: MeasurementRun | None
) -> Any:
    """The run's lineage lists every file of the source (the next run compares with them),
    so its content hash is the whole source's; what was read is said apart."""
    lineage = dict(result.lineage)
    measured = dict(lineage.get("tables", {}))
    lines = dict(measured.get(LINES, {}))
    lines["files"] = sorted(tables[LINES]["files"], key=lambda f: f["path"])
    measured[LINES] = lines
    lineage["tables"] = measured
    lineage["content_sha256"] = content_hash(measured)
    lineage["incremental"] = {
        "base_run": base.id if base else None,
        "months": None if changes.months is None else sorted(str(m) for m in changes.months),
        "why_every_month": changes.why_all,
        "files_new": len(changes.new),
        "files_changed": len(changes.changed),
        "files_removed": len(changes.removed),
        "files_unchanged": len(changes.unchanged),
        "files_read": len(changes.read),
        "rows_read": lines.get("rows"),
    }
    return dataclasses.replace(result, lineage=lineage)


def months_label(months: frozenset[Month] | None) -> str:
    if months is None:
        return "every month"
    ordered = sorted(months)
    if len(ordered) > 6:
        return f"{len(ordered)} months, {ordered[0]} to {ordered[-1]}"
    return ", ".join(str(m) for m in ordered)
