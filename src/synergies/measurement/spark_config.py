"""Where the Spark engine runs: flags, then the environment, then the project file.

    --spark-master spark://HOST:7077      $SYNERGIES_SPARK_MASTER      [spark] master = "..."
    --spark-conf KEY=VALUE (repeatable)   $SYNERGIES_SPARK_CONF        [spark.conf] KEY = "VALUE"
                                          (KEY=VALUE,KEY=VALUE)

Settings from all three are merged key by key, the flag winning over the environment and the
environment over the file, so a project can name its cluster and a run can raise its memory.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synergies.domain.errors import InvalidInput
from synergies.measurement.engines import LOCAL, SparkSettings
from synergies.storage.engine import project_file

MASTER_VAR = "SYNERGIES_SPARK_MASTER"
CONF_VAR = "SYNERGIES_SPARK_CONF"
MASTER_SCHEMES = ("local", "spark://", "sc://", "yarn", "k8s://")


def parse_conf(pairs: Sequence[str], *, where: str) -> dict[str, str]:
    """KEY=VALUE pairs as a dict; `where` names the flag or variable in errors."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(
                f"{where}: {pair!r} is not KEY=VALUE",
                field="spark_conf",
                fix="write it as spark.executor.memory=2g",
            )
        if not key.strip().startswith("spark."):
            raise InvalidInput(
                f"{where}: {key.strip()!r} is not a Spark setting",
                field="spark_conf",
                fix="Spark settings start with 'spark.', e.g. spark.executor.memory=2g",
            )
        found[key.strip()] = value.strip()
    return found


def check_master(master: str, *, where: str) -> str:
    text = master.strip()
    if not text.startswith(MASTER_SCHEMES):
        raise InvalidInput(
            f"{where}: {master!r} is not a Spark master",
            field="spark_master",
            fix="use local[2], spark://HOST:7077 (standalone) or sc://HOST:15002 (Spark Connect)",
        )
    return text


def from_file(path: Path) -> tuple[str | None, dict[str, str]]:
    """The [spark] table of a project file: its master and its [spark.conf] settings."""
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", field="spark",
                           fix='write it as: [spark] master = "spark://HOST:7077"') from None  # fmt: skip
    spark = settings.get("spark", {})
    if not isinstance(spark, Mapping):
        raise InvalidInput(f"{path}: spark is not a table", field="spark",
                           fix='write it as: [spark] master = "spark://HOST:7077"')  # fmt: skip
    master = spark.get("master")
    if master is not None and not isinstance(master, str):
        raise InvalidInput(f"{path}: [spark] master is not text", field="spark_master",
                           fix='quote it: master = "spark://HOST:7077"')  # fmt: skip
    conf = spark.get("conf", {})
    if not isinstance(conf, Mapping):
        raise InvalidInput(f"{path}: [spark.conf] is not a table", field="spark_conf",
                           fix='write settings as "spark.executor.memory" = "2g"')  # fmt: skip
    where = f"{path} [spark.conf]"
    pairs = [f"{k}={v}" for k, v in conf.items()]
    checked = check_master(master, where=f"{path} [spark]") if master else None
    return checked, parse_conf(pairs, where=where)


def spark_settings(
    master: str | None = None,
    conf: Sequence[str] = (),
    *,
    environ: Mapping[str, str] | None = None,
    start: Path | None = None,
) -> SparkSettings:
    """The settings a run uses: flags over environment over the nearest project file."""
    env = os.environ if environ is None else environ
    path = project_file(start)
    file_master, merged = from_file(path) if path is not None else (None, {})
    if env.get(CONF_VAR):
        merged |= parse_conf(env[CONF_VAR].split(","), where=f"${CONF_VAR}")
    merged |= parse_conf(conf, where="--spark-conf")
    if master:
        chosen = check_master(master, where="--spark-master")
    elif env.get(MASTER_VAR):
        chosen = check_master(env[MASTER_VAR], where=f"${MASTER_VAR}")
    else:
        chosen = file_master or LOCAL.master
    return SparkSettings(chosen, tuple(sorted(merged.items())))
