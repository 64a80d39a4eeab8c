"""The engines that run the measure's expressions: DuckDB by default, Spark for clusters."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
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


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """Where Spark runs and with what configuration.

    `master` is `local[N]` (in this process), `spark://HOST:7077` (a standalone cluster) or
    `sc://HOST:15002` (a Spark Connect server). `conf` are extra Spark settings, applied
    after the defaults so they win (for instance `spark.executor.memory`)."""

    master: str = "local[2]"
    conf: tuple[tuple[str, str], ...] = ()

    @property
    def is_connect(self) -> bool:
        return self.master.startswith("sc://")

    def shown(self) -> str:
        """The master without credentials (a Connect URL may carry a token)."""
        if not self.is_connect:
            return self.master
        return self.master.split(";", 1)[0].rpartition("@")[2]


LOCAL = SparkSettings()
# Defaults for a session this process starts. The data of a measure is a few small tables
# and one big one: few shuffle partitions, no UI, dates in UTC.
_DEFAULT_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "2g",
}


MEMORY_VAR = "SYNERGIES_DUCKDB_MEMORY_LIMIT"
SPILL_VAR = "SYNERGIES_SPILL_DIR"
DEFAULT_MEMORY = "1GB"  # DuckDB's buffers; what does not fit spills to SPILL_VAR's disk


def spill_directory() -> Path:
    """Where DuckDB spills what does not fit in memory: $SYNERGIES_SPILL_DIR, else a folder in
    the system's temporary directory (not the working folder, which may be read-only)."""
    chosen = os.environ.get(SPILL_VAR)
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "synergies-spill"


def connect(engine: Engine, spark: SparkSettings = LOCAL) -> BaseBackend:
    """A fresh connection of the engine (Spark shares one session per process)."""
    if engine is Engine.duckdb:
        backend = ibis.duckdb.connect()
        # DuckDB's own progress bar writes to stdout and would corrupt JSON output.
        backend.raw_sql("SET enable_progress_bar = false")
        # Results are aggregates whose order does not matter; keeping scan order costs memory.
        backend.raw_sql("SET preserve_insertion_order = false")
        limit = os.environ.get(MEMORY_VAR) or DEFAULT_MEMORY
        try:
            backend.raw_sql(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
        except duckdb.Error:
            raise InvalidInput(
                f"${MEMORY_VAR} = {limit!r} is not a memory size",
                field=MEMORY_VAR,
                fix="write it like 1GB or 512MB",
            ) from None
        spill = spill_directory()
        backend.raw_sql(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
        return backend
    return ibis.pyspark.connect(spark_session(spark))


@contextmanager
def engine_errors() -> Iterator[None]:
    """An engine's running out of memory or of spill space, as an error that says what to do."""
    try:
        yield
    except duckdb.OutOfMemoryException as error:
        text = str(error)
        if "max_temp_directory_size" in text or "No space left" in text:
            raise InvalidInput(
                f"the disk holding {spill_directory()} is full: the measure spilled what did "
                "not fit in memory there, and ran out of room",
                field=SPILL_VAR,
                fix=f"free space on that disk, or point ${SPILL_VAR} at a larger one",
            ) from None
        raise InvalidInput(
            f"the measure ran out of memory: {text.splitlines()[0][:200]}",
            field=MEMORY_VAR,
            fix=f"raise ${MEMORY_VAR} (now {os.environ.get(MEMORY_VAR) or DEFAULT_MEMORY})",
        ) from None
    except duckdb.IOException as error:
        if "No space left" not in str(error):
            raise
        raise InvalidInput(
            f"the disk holding {spill_directory()} is full",
            field=SPILL_VAR,
            fix=f"free space on that disk, or point ${SPILL_VAR} at a larger one",
        ) from None


_session: dict[SparkSettings, Any] = {}


def spark_session(settings: SparkSettings = LOCAL) -> Any:
    """The process's Spark session for these settings; asking for other settings stops the
    session of the old ones first (a process holds one classic Spark context)."""
    if settings in _session:
        return _session[settings]
    stop_spark()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInput(
            "PySpark is not installed",
            field="engine",
            fix="pip install 'synergies[spark]' (and a Java 17 runtime), or use the duckdb engine",
        ) from None
    # PySpark marks the process as Spark Connect's once a remote session was made, and then
    # refuses a classic one: clear the mark (no session of ours is running at this point).
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
    builder = SparkSession.builder.appName("synergies-measure")
    if settings.is_connect:
        builder = builder.remote(settings.master)
        conf = {"spark.sql.session.timeZone": "UTC", **dict(settings.conf)}
    else:
        builder = builder.master(settings.master)
        conf = {**_DEFAULT_CONF, **dict(settings.conf)}
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:
        raise InvalidInput(
            f"cannot start Spark on {settings.shown()}: {str(error).splitlines()[0][:300]}",
            field="spark_master",
            fix="check that the master (or Spark Connect server) is up and reachable, and "
            "that a Java 17 runtime is installed",
        ) from None
    _session[settings] = session
    return session


def stop_spark() -> None:
    """Stop the Spark session this process started, if any."""
    for session in _session.values():
        session.stop()
    _session.clear()


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
