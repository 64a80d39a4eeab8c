"""Where Spark runs: --spark-master/--spark-conf over $SYNERGIES_SPARK_* over .synergies.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from synergies.domain.errors import InvalidInput
from synergies.measurement.engines import SparkSettings
from synergies.measurement.spark_config import spark_settings

PROJECT = """db = "sqlite:///x.db"

[spark]
master = "spark://lake-master:7077"

[spark.conf]
"spark.executor.memory" = "4g"
"spark.cores.max" = "8"
"""


def test_local_when_nothing_says_otherwise(tmp_path: Path) -> None:
    assert spark_settings(environ={}, start=tmp_path) == SparkSettings("local[2]", ())


def test_the_project_file_names_the_cluster(tmp_path: Path) -> None:
    (tmp_path / ".synergies.toml").write_text(PROJECT)
    found = spark_settings(environ={}, start=tmp_path)
    assert found.master == "spark://lake-master:7077"
    assert dict(found.conf) == {"spark.executor.memory": "4g", "spark.cores.max": "8"}


def test_environment_over_file_and_flags_over_both(tmp_path: Path) -> None:
    (tmp_path / ".synergies.toml").write_text(PROJECT)
    env = {
        "SYNERGIES_SPARK_MASTER": "sc://connect:15002",
        "SYNERGIES_SPARK_CONF": "spark.executor.memory=6g,spark.sql.shuffle.partitions=64",
    }
    from_env = spark_settings(environ=env, start=tmp_path)
    assert from_env.master == "sc://connect:15002" and from_env.is_connect
    assert dict(from_env.conf) == {
        "spark.executor.memory": "6g",  # the environment's, over the file's 4g
        "spark.cores.max": "8",  # the file's, which nothing overrides
        "spark.sql.shuffle.partitions": "64",
    }
    flagged = spark_settings(
        "spark://other:7077", ["spark.executor.memory=1g"], environ=env, start=tmp_path
    )
    assert flagged.master == "spark://other:7077"
    assert dict(flagged.conf)["spark.executor.memory"] == "1g"


@pytest.mark.parametrize(
    ("conf", "message"),
    [
        (["spark.executor.memory"], "is not KEY=VALUE"),
        (["executor.memory=2g"], "is not a Spark setting"),
        (["spark.executor.memory="], "is not KEY=VALUE"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, conf: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        spark_settings(None, conf, environ={}, start=tmp_path)
    assert message in str(raised.value) and raised.value.fix


def test_a_broken_project_file_is_named(tmp_path: Path) -> None:
    (tmp_path / ".synergies.toml").write_text("[spark]\nmaster = 7077\n")
    with pytest.raises(InvalidInput) as raised:
        spark_settings(environ={}, start=tmp_path)
    assert "[spark] master is not text" in str(raised.value)


def test_a_connect_url_is_shown_without_its_token() -> None:
    settings = SparkSettings("sc://connect:15002/;token=secret;user_id=me")
    assert "secret" not in settings.shown()
