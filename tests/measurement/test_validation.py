"""Malformed sources are refused with the file, row, column and a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from synergies.domain.errors import InvalidInput
from synergies.measurement.measure import measure


def _copy(hand_source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "source"
    shutil.copytree(hand_source, target)
    return target


def _edit_line(source: Path, line_id: str, column: str, value: str) -> None:
    path = source / "purchase_lines.csv"
    rows = path.read_text().splitlines()
    header = rows[0].split(",")
    for i, row in enumerate(rows):
        cells = row.split(",")
        if cells[0] == line_id:
            cells[header.index(column)] = value
            rows[i] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize(
    ("line_id", "column", "value", "row", "problem"),
    [
        ("L04", "quantity", "-3", 5, "is not greater than 0"),
        ("L07", "quantity", "twenty", 8, "is not a number"),
        ("L02", "currency", "EURO", 3, "is not a known ISO 4217 currency"),
        ("L10", "posting_date", "2015-13-01", 11, "is not a date"),
        ("L03", "unit_price", "-1.00", 4, "is negative"),
        ("L05", "part_number", "", 6, "is empty"),
    ],
)
def test_bad_line_is_located(
    hand_source: Path, tmp_path: Path, line_id: str, column: str, value: str, row: int, problem: str
) -> None:
    source = _copy(hand_source, tmp_path)
    _edit_line(source, line_id, column, value)
    with pytest.raises(InvalidInput) as refused:
        measure(source)
    assert refused.value.field == f"purchase_lines.csv: row {row}, column {column}"
    assert problem in refused.value.message
    assert refused.value.fix


def test_missing_column_is_named(hand_source: Path, tmp_path: Path) -> None:
    source = _copy(hand_source, tmp_path)
    path = source / "baselines.csv"
    path.write_text(path.read_text().replace("baseline_unit_price", "price"))
    with pytest.raises(InvalidInput) as refused:
        measure(source)
    assert refused.value.field == "baselines.csv: column baseline_unit_price"


def test_missing_table_is_named(hand_source: Path, tmp_path: Path) -> None:
    source = _copy(hand_source, tmp_path)
    (source / "fx_rates.csv").unlink()
    with pytest.raises(InvalidInput, match="no fx_rates table"):
        measure(source)


def test_two_rates_for_one_month_are_refused(hand_source: Path, tmp_path: Path) -> None:
    source = _copy(hand_source, tmp_path)
    path = source / "fx_rates.csv"
    path.write_text(path.read_text() + "2015-03,JPY,131\n")
    with pytest.raises(InvalidInput) as refused:
        measure(source)
    assert "fx_rates.csv" in (refused.value.field or "")


def test_bad_row_in_parquet_is_located(hand_source: Path, tmp_path: Path) -> None:
    source = _copy(hand_source, tmp_path)
    csv = source / "purchase_lines.csv"
    table = pa_csv.read_csv(csv)
    quantities = table.column("quantity").to_pylist()
    quantities[8] = 0
    table = table.set_column(
        table.schema.get_field_index("quantity"), "quantity", pa.array(quantities)
    )
    pq.write_table(table, source / "purchase_lines.parquet")
    csv.unlink()
    with pytest.raises(InvalidInput) as refused:
        measure(source)
    assert refused.value.field == "purchase_lines.parquet: row 9, column quantity"


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("part_number", None, "is empty"),
        ("currency", "EURO", "is not a known ISO 4217 currency"),
        ("unit_price", -1.0, "is negative"),
    ],
)
def test_screened_parquet_problems_are_located(
    column: str, value: object, problem: str, hand_source: Path, tmp_path: Path
) -> None:
    """Parquet columns are first screened from statistics; a problem still names its row."""
    source = _copy(hand_source, tmp_path)
    csv = source / "purchase_lines.csv"
    table = pa_csv.read_csv(csv)
    index = table.schema.get_field_index(column)
    values = table.column(column).to_pylist()
    values[3] = value
    table = table.set_column(index, column, pa.array(values, table.schema.field(column).type))
    pq.write_table(table, source / "purchase_lines.parquet")
    csv.unlink()
    with pytest.raises(InvalidInput, match=problem) as refused:
        measure(source)
    assert refused.value.field == f"purchase_lines.parquet: row 4, column {column}"
