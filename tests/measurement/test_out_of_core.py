"""Out of core: DuckDB keeps to a memory limit and spills to a named disk folder; a full disk is
an error that names the folder and the fix, never a crash or a wrong figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergies.domain.errors import InvalidInput
from synergies.measurement.engines import Engine, connect, engine_errors
from synergies.measurement.measure import measure
from synergies.measurement.reference import reference_measure
from synergies.measurement.result import to_json


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "lineage"}


def test_a_tight_memory_limit_gives_the_same_figures(
    generated_parquet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNERGIES_DUCKDB_MEMORY_LIMIT", "40MB")
    monkeypatch.setenv("SYNERGIES_SPILL_DIR", str(tmp_path / "spill"))
    backend = connect(Engine.duckdb)
    settings = dict(backend.raw_sql(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'temp_directory')"
    ).fetchall())  # fmt: skip
    assert settings["temp_directory"] == str(tmp_path / "spill")
    assert settings["memory_limit"].startswith(("38", "40"))  # DuckDB shows MiB
    limited = to_json(measure(generated_parquet))
    assert _figures(limited) == _figures(to_json(reference_measure(generated_parquet)))


def test_a_full_spill_disk_names_the_folder_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNERGIES_DUCKDB_MEMORY_LIMIT", "30MB")
    monkeypatch.setenv("SYNERGIES_SPILL_DIR", str(tmp_path / "spill"))
    backend = connect(Engine.duckdb)
    backend.raw_sql("SET max_temp_directory_size = '2MB'")  # a disk with 2 MB left
    with pytest.raises(InvalidInput) as raised, engine_errors():
        backend.raw_sql(
            "SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) t(i) ORDER BY h"
        ).fetchall()
    assert f"the disk holding {tmp_path / 'spill'} is full" in str(raised.value)
    assert "SYNERGIES_SPILL_DIR" in (raised.value.fix or "")


def test_a_bad_memory_limit_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNERGIES_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(InvalidInput) as raised:
        connect(Engine.duckdb)
    assert "is not a memory size" in str(raised.value)
