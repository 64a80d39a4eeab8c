"""`synergies measure SOURCE --post --incremental` and the Spark options, as a user types them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.conftest import Invoke


def test_incremental_posts_only_the_new_month(cli: Invoke, db: str, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    made = cli("generate", "purchases", str(lake), "--lines", "3000", "--layout", "hive")
    assert made.code == 0, made.err
    december = lake / "purchase_lines" / "year=2017" / "month=12"
    held = Path(shutil.move(december, tmp_path / "december"))
    first = cli("measure", str(lake), "--post", "--incremental", "--format", "json")
    assert first.code == 0, first.err
    assert "partition files: 94 new, 0 changed, 0 removed, 0 unchanged" in first.err
    assert "measured every month: no run of this source was posted yet" in first.err
    shutil.move(held, december)
    second = cli("measure", str(lake), "--post", "--incremental", "--format", "json")
    assert second.code == 0, second.err
    assert "2 new, 0 changed, 0 removed, 94 unchanged since run 1" in second.err
    assert "measured 2 files for 2017-12" in second.err
    assert {row["month"] for row in json.loads(second.out)["by_month"]} == {"2017-12"}
    assert "posted measurement run 2:" in second.err
    third = cli("measure", str(lake), "--post", "--incremental")
    assert third.code == 0 and "nothing new since measurement run 2" in third.err


def test_incremental_without_post_is_refused(cli: Invoke, tmp_path: Path) -> None:
    result = cli("measure", str(tmp_path), "--incremental")
    assert result.code == 2
    assert "add --post" in result.err


def test_spark_options_need_the_spark_engine(cli: Invoke, tmp_path: Path) -> None:
    result = cli("measure", str(tmp_path), "--spark-master", "spark://127.0.0.1:7077")
    assert result.code == 2 and "add --engine spark" in result.err


def test_a_bad_spark_master_is_named(cli: Invoke, tmp_path: Path) -> None:
    result = cli("measure", str(tmp_path), "--engine", "spark", "--spark-master", "http://x")
    assert result.code == 2
    assert "--spark-master: 'http://x' is not a Spark master" in result.err
    assert "spark://HOST:7077" in result.err
