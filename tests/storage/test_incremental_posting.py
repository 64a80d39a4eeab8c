"""`measure --post --incremental`: only new or changed partitions are read, only the difference
is posted, and what stands in the ledger is what a whole measure of the source gives. On
SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from synergies.domain.errors import InvalidInput
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource
from synergies.measurement import lineage
from synergies.measurement.generate import generate_purchases
from synergies.measurement.measure import measure
from synergies.services import incremental, ledger, measurement
from synergies.services.context import Context
from synergies.services.ledger import EntryFilter
from synergies.storage import audit_rows

Cells = dict[tuple[str, str, str, str], Decimal]
NEW_MONTH = ("year=2017", "month=12")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_purchases(tmp_path_factory.mktemp("lake"), 8_000, seed=21, layout="hive")


@pytest.fixture
def history(lake: Path, tmp_path: Path) -> Path:
    """The lake without its last month, which arrives later in a test."""
    folder = Path(shutil.copytree(lake, tmp_path / "lake"))
    shutil.rmtree(folder / "purchase_lines" / NEW_MONTH[0] / NEW_MONTH[1])
    return folder


def add_new_month(lake: Path, history: Path) -> None:
    source = lake / "purchase_lines" / NEW_MONTH[0] / NEW_MONTH[1]
    shutil.copytree(source, history / "purchase_lines" / NEW_MONTH[0] / NEW_MONTH[1])


def standing(ctx: Context) -> Cells:
    """What the ledger holds of measured amounts, reversals netted, by cell and kind."""
    sums: dict[tuple[str, str, str, str], Decimal] = defaultdict(Decimal)
    for e in ledger.entries(ctx, EntryFilter(source=EntrySource.measured)):
        kind = "avoidance" if e.category is Category.cost_avoidance else "hard"
        sums[(e.initiative_id or "", e.partner, str(e.period), kind)] += e.amount.amount
    return {cell: amount for cell, amount in sums.items() if amount}


def whole(folder: Path) -> Cells:
    """What posting a whole measure of the source would make stand."""
    return measurement._amounts(measure(folder))


def test_the_first_run_measures_everything_and_says_why(
    example_ctx: Context, history: Path
) -> None:
    outcome = incremental.post_incremental(example_ctx, history)
    assert outcome.base_run is None and outcome.changes.months is None
    assert outcome.changes.why_all == "no run of this source was posted yet"
    assert outcome.posted is not None and outcome.posted.entries_added > 0
    assert standing(example_ctx) == whole(history)


def test_a_new_month_is_read_alone_and_posted_alone(
    example_ctx: Context, lake: Path, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = incremental.post_incremental(example_ctx, history)
    before = standing(example_ctx)
    add_new_month(lake, history)
    hashed: list[str] = []
    real = lineage.file_digest
    monkeypatch.setattr(lineage, "file_digest", lambda p: hashed.append(p.name) or real(p))
    outcome = incremental.post_incremental(example_ctx, history)
    changes = outcome.changes
    assert outcome.base_run == (first.posted and first.posted.run_id)
    assert [Path(p).parts[1:3] for p in changes.new] == [NEW_MONTH, NEW_MONTH]
    assert changes.changed == changes.removed == ()
    assert len(changes.unchanged) == 94
    assert sorted(str(m) for m in changes.months or ()) == ["2017-12"]
    assert len(changes.read) == 2  # the new month's two partner partitions, nothing else
    assert hashed.count("part-0.parquet") == 2  # the 94 old partitions keep their hashes
    assert outcome.posted is not None and outcome.posted.entries_reversed == 0
    after = standing(example_ctx)
    assert {c: a for c, a in after.items() if c[2] != "2017-12"} == before
    assert after == whole(history)
    run = measurement.run(example_ctx, outcome.posted.run_id or 0)
    assert run.fingerprint["incremental"]["files_read"] == 2
    assert len(run.fingerprint["tables"]["purchase_lines"]["files"]) == 96


def test_nothing_new_measures_nothing_and_writes_nothing(
    example_ctx: Context, history: Path
) -> None:
    incremental.post_incremental(example_ctx, history)
    with example_ctx.reading() as conn:
        head = audit_rows.head(conn)
    again = incremental.post_incremental(example_ctx, history)
    assert again.posted is None and again.changes.nothing
    with example_ctx.reading() as conn:
        assert audit_rows.head(conn) == head


def _rewrite(path: Path, factor: float) -> None:
    """The partition re-delivered with other prices, as a corrected extract would be."""
    table = pq.read_table(path)
    prices = pc.multiply(table["unit_price"], factor)
    index = table.schema.get_field_index("unit_price")
    pq.write_table(table.set_column(index, "unit_price", pc.round(prices, 2)), path)


def test_a_changed_old_partition_reverses_and_reposts_its_month(
    example_ctx: Context, history: Path
) -> None:
    incremental.post_incremental(example_ctx, history)
    part = history / "purchase_lines/year=2015/month=06/partner=RENAULT/part-0.parquet"
    _rewrite(part, 0.97)
    outcome = incremental.post_incremental(example_ctx, history)
    changes = outcome.changes
    assert changes.changed == ("purchase_lines/year=2015/month=06/partner=RENAULT/part-0.parquet",)
    assert sorted(str(m) for m in changes.months or ()) == ["2015-06"]
    assert len(changes.read) == 2  # both partners' June 2015: the month is measured whole
    assert outcome.posted is not None and outcome.posted.entries_reversed > 0
    assert standing(example_ctx) == whole(history)


def _pad(data: bytes, size: int) -> bytes:
    """A Parquet file's bytes grown to `size` with zeros between its column chunks and its
    footer: readers find the footer from the file's end and the chunks at the offsets the
    footer gives, so the content read is the same."""
    footer_length = int.from_bytes(data[-8:-4], "little")
    cut = len(data) - 8 - footer_length
    return data[:cut] + b"\0" * (size - len(data)) + data[cut:]


def _rewrite_in_place(path: Path, factor: float) -> None:
    """Other prices, the same size and modification time: what only the footer tells."""
    before = path.stat()
    table = pq.read_table(path)
    index = table.schema.get_field_index("unit_price")
    prices = pc.round(pc.multiply(table["unit_price"], factor), 2)
    sink = pa.BufferOutputStream()
    pq.write_table(table.set_column(index, "unit_price", prices), sink)
    path.write_bytes(_pad(sink.getvalue().to_pybytes(), before.st_size))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_a_partition_rewritten_with_its_size_and_time_kept_is_changed(
    example_ctx: Context, history: Path
) -> None:
    part = history / "purchase_lines/year=2016/month=03/partner=NISSAN/part-0.parquet"
    part.write_bytes(_pad(part.read_bytes(), part.stat().st_size + 4096))  # room to rewrite
    incremental.post_incremental(example_ctx, history)
    _rewrite_in_place(part, 0.7)
    outcome = incremental.post_incremental(example_ctx, history)
    assert outcome.changes.changed == (str(part.relative_to(history)),)
    assert sorted(str(m) for m in outcome.changes.months or ()) == ["2016-03"]
    assert outcome.posted is not None and outcome.posted.entries_reversed > 0
    assert standing(example_ctx) == whole(history)
    again = measurement.post_source(example_ctx, history)
    assert again.entries_added == again.entries_reversed == 0


def test_a_removed_partition_takes_its_months_entries_back(
    example_ctx: Context, history: Path
) -> None:
    incremental.post_incremental(example_ctx, history)
    shutil.rmtree(history / "purchase_lines/year=2016/month=02/partner=NISSAN")
    outcome = incremental.post_incremental(example_ctx, history)
    assert len(outcome.changes.removed) == 1
    assert not any(c[1] == "NISSAN" and c[2] == "2016-02" for c in standing(example_ctx))
    assert standing(example_ctx) == whole(history)


def test_a_month_removed_whole_takes_its_entries_back(example_ctx: Context, history: Path) -> None:
    incremental.post_incremental(example_ctx, history)
    shutil.rmtree(history / "purchase_lines/year=2016/month=05")
    outcome = incremental.post_incremental(example_ctx, history)
    assert len(outcome.changes.removed) == 2 and outcome.changes.read == ()
    assert outcome.posted is not None and outcome.posted.entries_reversed > 0
    assert not any(c[2] == "2016-05" for c in standing(example_ctx))
    assert standing(example_ctx) == whole(history)


def test_a_changed_baseline_measures_every_month(example_ctx: Context, history: Path) -> None:
    incremental.post_incremental(example_ctx, history)
    _rebase(history)
    outcome = incremental.post_incremental(example_ctx, history)
    assert outcome.changes.months is None
    assert "baselines changed" in (outcome.changes.why_all or "")
    assert standing(example_ctx) == whole(history)


def _rebase(folder: Path) -> None:
    path = folder / "baselines.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("baseline_unit_price")
    raised = pc.round(pc.multiply(table["baseline_unit_price"], 1.01), 2)
    pq.write_table(table.set_column(index, "baseline_unit_price", raised), path)


def test_an_incremental_run_needs_a_folder(example_ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        incremental.post_incremental(example_ctx, f"duckdb://{tmp_path / 'x.duckdb'}")
    assert "folder source" in str(raised.value)


def test_a_whole_post_after_incremental_ones_finds_nothing_to_change(
    example_ctx: Context, lake: Path, history: Path
) -> None:
    incremental.post_incremental(example_ctx, history)
    add_new_month(lake, history)
    incremental.post_incremental(example_ctx, history)
    again = measurement.post_source(example_ctx, history)
    assert again.unchanged and again.entries_added == again.entries_reversed == 0
