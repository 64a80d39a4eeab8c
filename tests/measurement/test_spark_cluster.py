"""The measure on a real Spark standalone cluster (a master and two workers started here) and
through a Spark Connect server on it gives every figure DuckDB and the Decimal reference give."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergies.measurement.engines import Engine, SparkSettings, stop_spark
from synergies.measurement.measure import measure
from synergies.measurement.reference import reference_measure
from synergies.measurement.result import to_json
from tests.measurement.spark_cluster import (
    Cluster,
    cluster_processes,
    connect_server,
    standalone_cluster,
)

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark-cluster")]


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "lineage"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime: the cluster tests need Java 17 (apt install openjdk-17-jre)")
    pytest.importorskip("pyspark", reason="PySpark is not installed: pip install '.[spark]'")
    stop_spark()  # this process's local session, if any: a process holds one Spark context
    logs = tmp_path_factory.mktemp("spark-cluster")
    with standalone_cluster(logs) as started:
        yield started
    assert cluster_processes() == [], "a master or worker outlived its cluster"


@pytest.fixture(scope="module")
def connect_url(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with connect_server(cluster, tmp_path_factory.mktemp("spark-connect")) as url:
        yield url
        stop_spark()


@pytest.fixture(scope="module")
def expected(hand_source: Path, generated_parquet: Path) -> dict[str, dict[str, Any]]:
    """DuckDB's figures for each source, checked against the plain-Decimal reference."""
    found = {}
    for name, source in (("hand_source", hand_source), ("generated_parquet", generated_parquet)):
        on_duckdb = _figures(to_json(measure(source)))
        reference = _figures(to_json(reference_measure(source)))
        assert on_duckdb == reference, f"DuckDB and the reference differ on {name}"
        found[name] = on_duckdb
    return found


def test_cli_measures_on_the_standalone_cluster(
    cluster: Cluster, hand_source: Path, expected: dict[str, dict[str, Any]]
) -> None:
    """The whole command, as a user runs it, with the master from the environment and the
    executor's share of the cluster from a flag."""
    env = {**os.environ, "SYNERGIES_SPARK_MASTER": cluster.master}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "synergies"), "measure", str(hand_source), "--engine", "spark",
         "--spark-conf", "spark.cores.max=1", "--spark-conf", "spark.executor.memory=512m",
         "--format", "json"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["lineage"]["engine"] == "pyspark"
    assert _figures(document) == expected["hand_source"]


@pytest.mark.parametrize("fixture", ["hand_source", "generated_parquet"])
def test_spark_connect_gives_duckdbs_figures(
    connect_url: str,
    fixture: str,
    request: pytest.FixtureRequest,
    expected: dict[str, dict[str, Any]],
) -> None:
    source: Path = request.getfixturevalue(fixture)
    result = measure(source, engine=Engine.spark, spark=SparkSettings(connect_url))
    assert _figures(to_json(result)) == expected[fixture]
