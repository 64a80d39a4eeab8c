"""The CLI commands, and sources held in a database instead of files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import typer
from typer.testing import CliRunner

from synergies.cli.measure_commands import register
from synergies.measurement.measure import measure
from synergies.measurement.result import to_json
from tests.measurement.hand_case import TABLES


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_measure_json(hand_source: Path) -> None:
    result = CliRunner().invoke(_app(), ["measure", str(hand_source), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["hard_savings"]["net"] == "249.22"
    assert document["lineage"]["method_version"]
    for key in ("by_initiative", "by_partner", "by_month", "by_year", "by_fiscal_year"):
        assert document[key]


def test_measure_table_with_period(hand_source: Path) -> None:
    args = ["measure", str(hand_source), "--from", "2015-04-01", "--to", "2015-04-30"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "By initiative" in result.stdout
    assert "12.22" in result.stdout  # April: L05 + L11


def test_generate_then_measure(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = CliRunner().invoke(_app(), ["generate", "purchases", str(out), "--lines", "2000"])
    assert result.exit_code == 0, result.output
    assert (out / "purchase_lines.parquet").exists()
    assert to_json(measure(out))["lines_read"] == 2000


def test_database_source_gives_the_same_figures(hand_source: Path, tmp_path: Path) -> None:
    path = tmp_path / "source.duckdb"
    with duckdb.connect(str(path)) as con:
        for name in TABLES:
            csv = hand_source / f"{name}.csv"
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csv}')")
    from_db = to_json(measure(f"duckdb://{path}"))
    from_files = to_json(measure(hand_source))
    assert from_db["hard_savings"] == from_files["hard_savings"]
    assert from_db["by_fiscal_year"] == from_files["by_fiscal_year"]
    assert from_db["lineage"]["tables"]["purchase_lines"]["table"] == "purchase_lines"
