"""Shared fixtures: the hand-computed source, small generated sources, one Spark session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergies.measurement.generate import generate_purchases
from tests.measurement.hand_case import write_hand_case


@pytest.fixture(scope="session")
def hand_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hand_case(tmp_path_factory.mktemp("hand"))


@pytest.fixture(scope="session")
def generated_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_purchases(tmp_path_factory.mktemp("gen_csv"), 4_000, seed=11, fmt="csv")


@pytest.fixture(scope="session")
def generated_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_purchases(tmp_path_factory.mktemp("gen_pq"), 6_000, seed=12)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for every Spark test (startup costs seconds)."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: Spark tests need Java 17")
    pytest.importorskip("pyspark", reason="PySpark is not installed")
    from synergies.measurement.engines import spark_session

    yield spark_session()
