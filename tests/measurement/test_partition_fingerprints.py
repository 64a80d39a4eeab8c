"""Which purchase-line files an incremental run may take as recorded without hashing them: the
same path, size, time and Parquet footer. Anything it cannot compare is hashed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synergies.measurement import lineage
from synergies.measurement.partitions import same_file
from synergies.services.incremental import current_files


def _lines(folder: Path, prices: list[float], *, csv: bool = False) -> Path:
    """The source's purchase lines: one Parquet partition, or a CSV file."""
    if csv:
        path = folder / "purchase_lines.csv"
        path.write_text(
            "line_id,unit_price\n" + "".join(f"L{n},{p}\n" for n, p in enumerate(prices))
        )
        return path
    path = folder / "purchase_lines" / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"L{n}" for n in range(len(prices))]
    pq.write_table(pa.table({"line_id": lines, "unit_price": prices}), path)
    return path


def _keep_time(path: Path, stat: os.stat_result) -> None:
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_the_footer_tells_other_prices_of_the_same_size(tmp_path: Path) -> None:
    path = _lines(tmp_path, [10.0, 20.0])
    recorded = lineage.file_entry(path, tmp_path, months=True)
    assert recorded["footer"]
    assert same_file(recorded, lineage.file_stat(path, tmp_path), path)
    stat = path.stat()
    _lines(tmp_path, [7.0, 14.0])  # float64 values: the same size on disk
    _keep_time(path, stat)
    now = lineage.file_stat(path, tmp_path)
    assert (now["bytes"], now["mtime_ns"]) == (recorded["bytes"], recorded["mtime_ns"])
    assert not same_file(recorded, now, path)


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = lineage.file_digest
    monkeypatch.setattr(lineage, "file_digest", lambda p: seen.append(p.name) or real(p))
    return seen


def _recorded(folder: Path, path: Path, drop: str | None = None) -> dict[str, Any]:
    entry = lineage.file_entry(path, folder, months=True)
    if drop:
        entry.pop(drop, None)
    return {entry["path"]: entry}


def test_a_file_as_recorded_is_not_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _lines(tmp_path, [10.0, 20.0])
    recorded = _recorded(tmp_path, path)
    seen = _hashed(monkeypatch)
    current_files(tmp_path, recorded)
    assert seen == []


def test_a_run_older_than_footers_falls_back_to_hashing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _lines(tmp_path, [10.0, 20.0])
    recorded = _recorded(tmp_path, path, drop="footer")
    seen = _hashed(monkeypatch)
    (entry,) = current_files(tmp_path, recorded)["purchase_lines"]["files"]
    assert seen == ["part-0.parquet"] and entry["footer"]  # the new run records it


def test_a_csv_file_has_no_footer_and_is_hashed_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _lines(tmp_path, [10.0, 20.0], csv=True)
    recorded = _recorded(tmp_path, path)
    assert "footer" not in next(iter(recorded.values()))
    seen = _hashed(monkeypatch)
    current_files(tmp_path, recorded)
    assert seen == ["purchase_lines.csv"]
