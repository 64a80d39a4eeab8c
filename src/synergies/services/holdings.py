"""Which source holds a partner's month of purchase lines: a line is counted once.

A posted run records, in each partner's confidential detail, the claimed lines of every month
it posted: how many, and their first and last line id (measurement/result.py `LineRange`).
The source whose measured entries for a partner's month stand with the lowest ledger id posted
that month first and holds it. Another source's lines of that month are posted only where
their id range cannot meet the holder's: ranges that meet may share lines, and counting a line
twice is worse than leaving a disjoint-looking line out (the outcome names the holder, and
reversing the holder's entries frees the month). A holder that recorded no ranges (a run from
before line identities) holds its months whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from synergies.domain.calendar import Month
from synergies.measurement.lineage import source_label
from synergies.measurement.result import LineRange, LineRanges
from synergies.storage import ledger_rows, measurement_rows
from synergies.storage.measurement_rows import MeasurementRun

DETAIL_KEY = "claimed_lines"  # in a run's partner detail: month -> [lines, first, last]
MEASURED_KEYS = "measured:"  # import keys: measured:SOURCE:INITIATIVE|PARTNER|MONTH|KIND|RUN


@dataclass(frozen=True, slots=True)
class Holder:
    run_id: int
    source: str  # as runs name their source (never a server path)
    same_lines: bool  # the very same lines as the new source's; else ranges that meet


@dataclass
class _Poster:
    """One source's standing measured entries in one partner's month."""

    first_id: int
    runs: set[int] = field(default_factory=set)


def ranges_record(ranges: LineRanges, partner: str) -> dict[str, list[Any]]:
    """A partner's line ranges as its run detail keeps them."""
    return {str(m): [r.lines, r.first, r.last] for (p, m), r in ranges.items() if p == partner}


def held_elsewhere(
    conn: Connection, source_id: str, ranges: LineRanges
) -> dict[tuple[str, Month], Holder]:
    """The partner-months of `ranges` that another source posted first and may share lines
    with (see the module)."""
    posters = _posters(conn)
    if not posters:
        return {}
    runs = {r.id: r for r in measurement_rows.load_runs(conn)}
    details: dict[tuple[int, str], dict[str, Any]] = {}
    held: dict[tuple[str, Month], Holder] = {}
    for (partner, month), mine in ranges.items():
        here = posters.get((partner, str(month)), {})
        mine_first = here[source_id].first_id if source_id in here else None
        for other, poster in sorted(here.items(), key=lambda kv: kv[1].first_id):
            if other == source_id or (mine_first is not None and poster.first_id > mine_first):
                continue
            run_id, theirs = _recorded(conn, runs, details, other, poster, partner, month)
            if theirs is None or theirs.meets(mine):
                held[partner, month] = Holder(run_id, _label(runs, run_id), theirs == mine)
                break
    return held


def _posters(conn: Connection) -> dict[tuple[str, str], dict[str, _Poster]]:
    """(partner, month) -> source id -> its standing measured entries there."""
    found: dict[tuple[str, str], dict[str, _Poster]] = defaultdict(dict)
    for entry_id, key in ledger_rows.live_keys(conn, MEASURED_KEYS):
        source, _, cell = key[len(MEASURED_KEYS) :].partition(":")
        _initiative, partner, month, _kind, run = cell.split("|")
        poster = found[partner, month].setdefault(source, _Poster(entry_id))
        poster.first_id = min(poster.first_id, entry_id)
        poster.runs.add(int(run))
    return found


def _recorded(
    conn: Connection,
    runs: dict[int, MeasurementRun],
    details: dict[tuple[int, str], dict[str, Any]],
    source: str,
    poster: _Poster,
    partner: str,
    month: Month,
) -> tuple[int, LineRange | None]:
    """The holder's line range of the month: from its newest run that recorded one (a later
    run that found the month unchanged records it too); None if none did."""
    of_source = {i for i, r in runs.items() if r.fingerprint.get("source_id") == source}
    candidates = sorted(of_source | poster.runs, reverse=True)
    for run_id in candidates:
        if (run_id, partner) not in details:
            details[run_id, partner] = measurement_rows.load_detail(conn, run_id, partner) or {}
        kept = details[run_id, partner].get(DETAIL_KEY, {}).get(str(month))
        if kept is not None:
            return run_id, LineRange(int(kept[0]), str(kept[1]), str(kept[2]))
    return max(poster.runs), None


def _label(runs: dict[int, MeasurementRun], run_id: int) -> str:
    run = runs.get(run_id)
    if run is None:
        return "?"
    shown = run.source
    return source_label(shown) if Path(shown).is_absolute() or "://" in shown else shown
