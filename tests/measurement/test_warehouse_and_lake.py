"""Sources beyond a folder of files: tables in PostgreSQL, Hive-partitioned Parquet folders, and
lake URLs read by the engine's own readers. Each gives the figures a plain folder gives."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from synergies.cli.measure_commands import register
from synergies.domain.errors import InvalidInput
from synergies.measurement.contract import CONTRACTS_BY_NAME
from synergies.measurement.engines import Engine
from synergies.measurement.generate import generate_purchases, plain_columns
from synergies.measurement.measure import measure
from synergies.measurement.reference import reference_measure
from synergies.measurement.result import to_json
from tests.conftest import PG_ADMIN, PG_MISSING


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "lineage"}


@pytest.fixture(scope="module")
def hive_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lines of `generated_parquet` (same seed and size), in year=/month=/partner= parts."""
    return generate_purchases(tmp_path_factory.mktemp("hive"), 6_000, seed=12, layout="hive")


def test_hive_folder_holds_the_keys_in_folder_names_only(hive_source: Path) -> None:
    parts = sorted((hive_source / "purchase_lines").rglob("*.parquet"))
    assert len(parts) == 4 * 12 * 2  # 2014-2017, both partners
    first = parts[0].relative_to(hive_source).as_posix()
    assert first == "purchase_lines/year=2014/month=01/partner=NISSAN/part-0.parquet"
    assert "partner" not in pq.read_schema(parts[0]).names


def test_hive_folder_gives_the_flat_files_figures(
    hive_source: Path, generated_parquet: Path
) -> None:
    on_hive = to_json(measure(hive_source))
    assert _figures(on_hive) == _figures(to_json(measure(generated_parquet)))
    assert _figures(on_hive) == _figures(to_json(reference_measure(generated_parquet)))
    files = on_hive["lineage"]["tables"]["purchase_lines"]["files"]
    assert len(files) == 96 and all(f["path"].startswith("purchase_lines/year=") for f in files)


def test_hidden_files_beside_the_parts_are_not_read(hive_source: Path, tmp_path: Path) -> None:
    """Spark writes _SUCCESS and .crc files beside its parts; they are not data."""
    copy = Path(shutil.copytree(hive_source, tmp_path / "copy"))
    (copy / "purchase_lines" / "_SUCCESS").write_text("")
    (copy / "purchase_lines" / "year=2014" / ".part-0.parquet.crc").write_bytes(b"\0\1")
    assert measure(copy).lines_read == 6_000


@pytest.mark.spark
def test_spark_reads_the_hive_folder(hive_source: Path, spark: Any) -> None:
    on_spark = to_json(measure(hive_source, engine=Engine.spark))
    assert _figures(on_spark) == _figures(to_json(measure(hive_source)))


def test_generate_hive_layout_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    args = ["generate", "purchases", str(out), "--lines", "3000", "--layout", "hive"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert any((out / "purchase_lines").glob("year=2016/month=03/partner=RENAULT/*.parquet"))
    refused = CliRunner().invoke(_app(), [*args[:-2], "--layout", "hive", "--format", "csv"])
    assert isinstance(refused.exception, InvalidInput)  # the entry point prints its fix
    assert "written in Parquet" in str(refused.exception)


def test_lake_url_is_read_by_the_engine(hive_source: Path, generated_parquet: Path) -> None:
    """file:// stands here for s3://, gs:// or az://: the same engine reader, no listing."""
    on_lake = to_json(measure(hive_source.as_uri()))
    assert _figures(on_lake) == _figures(to_json(measure(generated_parquet)))
    assert on_lake["lineage"]["source"].startswith("file://")
    assert on_lake["lineage"]["tables"]["purchase_lines"]["location"].endswith("purchase_lines/")


@pytest.mark.spark
def test_spark_reads_a_lake_url(hive_source: Path, spark: Any) -> None:
    on_spark = to_json(measure(hive_source.as_uri(), engine=Engine.spark))
    assert _figures(on_spark) == _figures(to_json(measure(hive_source)))


def test_lake_url_without_the_tables_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        measure(tmp_path.as_uri())
    assert "no purchase_lines table" in str(raised.value)


# --- PostgreSQL, the warehouse here -------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(generated_parquet: Path) -> Iterator[str]:
    """A fresh PostgreSQL database holding the generated source's tables, as a warehouse would:
    prices as NUMERIC, dates as DATE, text as TEXT."""
    if PG_MISSING:
        pytest.skip(PG_MISSING)
    import ibis

    name = f"synergies_src_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    con = ibis.connect(url)
    try:
        for table in CONTRACTS_BY_NAME:
            path = generated_parquet / f"{table}.parquet"
            if path.exists():
                data = pq.read_table(path)
                con.create_table(table, plain_columns(data))
        con.disconnect()
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgresql_source_gives_the_parquet_figures(
    warehouse: str, generated_parquet: Path
) -> None:
    in_warehouse = to_json(measure(warehouse))
    assert _figures(in_warehouse) == _figures(to_json(measure(generated_parquet)))
    assert in_warehouse["lineage"]["engine"] == "postgres"
    assert in_warehouse["lineage"]["tables"]["purchase_lines"] == {
        "rows": 6_000,
        "table": "purchase_lines",
    }
    assert "@" not in in_warehouse["lineage"]["source"]


@pytest.mark.postgres
def test_postgresql_source_from_the_cli(warehouse: str, generated_parquet: Path) -> None:
    result = CliRunner().invoke(_app(), ["measure", warehouse, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert _figures(document) == _figures(to_json(measure(generated_parquet)))
