"""The engines that run the measure's expressions: DuckDB by default, Spark for clusters."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
from ibis.backends import BaseBackend
from ibis.util import gen_name

from synergies.domain.errors import InvalidInput


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def connect(engine: Engine) -> BaseBackend:
    """A fresh connection of the engine (Spark shares one local session per process)."""
    if engine is Engine.duckdb:
        backend = ibis.duckdb.connect()
        # DuckDB's own progress bar writes to stdout and would corrupt JSON output.
        backend.raw_sql("SET enable_progress_bar = false")
        # Results are aggregates whose order does not matter; keeping scan order costs memory.
        backend.raw_sql("SET preserve_insertion_order = false")
        return backend
    return ibis.pyspark.connect(spark_session())


@cache
def spark_session() -> Any:
    """A local Spark session on two cores with few shuffle partitions: the data is small."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInput(
            "PySpark is not installed",
            field="engine",
            fix="pip install 'synergies[spark]' (and a Java 17 runtime), or use the duckdb engine",
        ) from None
    return (
        SparkSession.builder.master("local[2]")
        .appName("synergies-measure")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def is_overflow(error: Exception) -> bool:
    """True when the engine refused an arithmetic overflow (DuckDB checks 64-bit decimals)."""
    return isinstance(error, duckdb.OutOfRangeException) and "Overflow" in str(error)


def rows(table: ir.Table) -> list[dict[str, Any]]:
    """A query's rows as dicts of Python values (Decimal, date, str, int, bool, None).

    DuckDB's come straight from its connection: Ibis's `to_pyarrow` imports pandas for its type
    conversion, a fifth of a second of every measure that these plain SQL types do not need.
    Queries over in-memory tables go through Ibis, which registers those tables first.
    """
    backend = table.get_backend()
    if backend.name != "duckdb" or table.op().find(ops.InMemoryTable):
        found: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
        return found
    cursor = backend.con.execute(str(backend.compile(table)))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(value: ir.Scalar) -> Any:
    """The one value of a scalar expression (a count, a maximum)."""
    return next(iter(rows(value.as_table())[0].values()))


def materialize(expr: ir.Table, name: str) -> ir.Table:
    """Compute a small intermediate table once and return it as a table of the same backend.

    DuckDB gets a temporary table (gone with the connection). Other engines recompute it in
    each query: Ibis 12's cache fails there too (PySpark's cache misses in-memory tables, and
    on DuckDB 2 its release loses the table name).
    """
    backend = expr.get_backend()
    if backend.name == "duckdb":
        unique = gen_name(name)  # overwrite=True would hit the same broken DROP
        return backend.create_table(unique, expr, temp=True)
    return expr
