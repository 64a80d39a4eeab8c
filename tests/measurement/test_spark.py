"""The same expressions on Spark give the same figures as on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergies.measurement.engines import Engine
from synergies.measurement.measure import measure
from synergies.measurement.result import to_json

pytestmark = pytest.mark.spark


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "lineage"}


@pytest.mark.parametrize("fixture", ["hand_source", "generated_parquet"])
def test_spark_matches_duckdb(fixture: str, request: pytest.FixtureRequest, spark: Any) -> None:
    source: Path = request.getfixturevalue(fixture)
    on_spark = to_json(measure(source, engine=Engine.spark))
    on_duckdb = to_json(measure(source))
    assert _figures(on_spark) == _figures(on_duckdb)
    assert on_spark["lineage"]["engine"] == "pyspark"
