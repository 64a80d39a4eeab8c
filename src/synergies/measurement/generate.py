"""A deterministic synthetic purchasing source for the example alliance (illustrative data).

Renault buys in EUR and Nissan in JPY from a shared catalogue of parts. Three purchasing
initiatives jointly source part families and lower prices after they start; the source also
holds the failure modes the measure must catch: lines claimed by two initiatives, prices
drifting above the negotiated contract (leakage), parts with no baseline (priced from quotes)
and a month without a JPY rate. Lines are written in fixed-size chunks, each from its own
seeded generator, so memory stays bounded and the output does not depend on the machine.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from synergies.domain.errors import InvalidInput

CHUNK = 1_000_000
FIRST_DAY = np.datetime64("2014-01-01")
DAYS = 4 * 365 + 1  # 2014 to 2017
PARTNERS = np.array(["RENAULT", "NISSAN"])
PLANNING_JPY = 130.0  # Nissan's prices are set in yen near this rate
FAMILIES = ("SEA", "ELE", "STL", "CHS", "PWT")  # seats, electrical, steel, chassis, powertrain
MAX_PARTS_PER_FAMILY = 2_000
MISSING_JPY_MONTH = "2016-08"

# Illustrative initiatives: family -> (initiative, start, end, target price reduction).
INITIATIVES: dict[str, tuple[str, str, str | None, float]] = {
    "SEA": ("PUR-001", "2014-04-01", None, 0.08),
    "ELE": ("PUR-002", "2014-07-01", None, 0.06),
    "STL": ("PUR-003", "2015-01-01", "2017-06-30", 0.04),
}
INITIATIVE_NAMES = {
    "PUR-001": "Joint sourcing: seats & interiors",
    "PUR-002": "Joint sourcing: electrical & electronics",
    "PUR-003": "Common steel & raw materials buying",
}
SEAT_ELECTRONICS = 0.05  # share of SEA parts PUR-002 also claims from April 2015: double claims
DOUBLE_CLAIM_FROM = "2015-04-01"
REBASE_DAY = "2016-01-01"  # a governed re-base (+2% raw-material index) of some baselines
LEAK_SHARE = 0.03


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The parts both partners buy: number, family index, base EUR price, flags."""

    numbers: np.ndarray
    family: np.ndarray
    base_eur: np.ndarray
    has_baseline: np.ndarray
    rebased: np.ndarray

    @classmethod
    def build(cls, seed: int, lines: int) -> Catalogue:
        """A catalogue sized to the lines (about 50 lines per part, 2,000 parts per family)."""
        rng = np.random.default_rng([seed, 0])
        per_family = int(np.clip(lines // 250, 20, MAX_PARTS_PER_FAMILY))
        count = len(FAMILIES) * per_family
        family = np.repeat(np.arange(len(FAMILIES)), per_family)
        numbers = np.array([f"{FAMILIES[f]}-{i % per_family:05d}" for i, f in enumerate(family)])
        has_baseline = rng.random(count) > 0.02  # new parts are priced from quotes
        has_baseline[1::per_family] = False  # at least one per family, even when small
        return cls(
            numbers=numbers,
            family=family,
            base_eur=np.round(np.exp(rng.normal(3.5, 1.2, count)), 2) + 0.5,
            has_baseline=has_baseline,
            rebased=rng.random(count) < 0.3,
        )


def _local_price(eur: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """A price in the partner's currency: cents for Renault (EUR), whole yen for Nissan."""
    return np.where(partner == 0, np.round(eur, 2), np.round(eur * PLANNING_JPY, 0))


def _currency(partner: np.ndarray) -> np.ndarray:
    return np.where(partner == 0, "EUR", "JPY")


def _day(text: str) -> int:
    return int((np.datetime64(text) - FIRST_DAY).astype(int))


def _paid_factor(
    cat: Catalogue, part: np.ndarray, day: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Paid / baseline price: prices fall to just under the contract within a quarter of the
    initiative's start; a few lines leak back above the contract."""
    factor = 1.0 + rng.normal(0.0, 0.004, part.size)
    contract = np.ones(part.size)
    for f, (_, start, _end, target) in INITIATIVES.items():
        family = cat.family[part] == FAMILIES.index(f)
        ramp = np.clip((day - _day(start)) / 91.0, 0.0, 1.0)
        factor -= np.where(family, (target + 0.01) * ramp, 0.0)
        contract = np.where(family & (day >= _day(start)), 1.0 - target, contract)
    leak = (contract < 1.0) & (rng.random(part.size) < LEAK_SHARE)
    return np.where(leak, contract * rng.uniform(1.01, 1.06, part.size), factor)


def _rebase(cat: Catalogue, part: np.ndarray, day: np.ndarray) -> np.ndarray:
    return np.where(cat.rebased[part] & (day >= _day(REBASE_DAY)), 1.02, 1.0)


def _line_ids(first: int, n: int) -> pa.Array:
    numbers = pa.array(np.arange(first, first + n, dtype=np.int64)).cast(pa.string())
    padded = pc.utf8_lpad(numbers, width=10, padding="0")
    return pc.binary_join_element_wise("L", padded, "")


def _dictionary(values: np.ndarray, index: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pa.array(values))


def lines_chunk(cat: Catalogue, seed: int, chunk: int, first: int, n: int) -> pa.Table:
    """Purchase lines `first` to `first + n`, from the chunk's own seeded generator."""
    rng = np.random.default_rng([seed, 1, chunk])
    part = np.minimum(rng.zipf(1.3, n) - 1, cat.numbers.size - 1)
    part = (part * 7919 + rng.integers(0, 3, n)) % cat.numbers.size  # spread popular parts
    partner = (rng.random(n) < 0.45).astype(np.int64)  # 1 = NISSAN
    day = rng.integers(0, DAYS, n)
    eur = cat.base_eur[part] * _rebase(cat, part, day) * _paid_factor(cat, part, day, rng)
    currencies = np.array(["EUR", "JPY"])
    suppliers = np.array([f"SUP-{i:04d}" for i in range(500)])
    return pa.table(
        {
            "line_id": _line_ids(first, n),
            "partner": _dictionary(PARTNERS, partner),
            "part_number": _dictionary(cat.numbers, part),
            "supplier_id": _dictionary(suppliers, (part * 31 + partner) % suppliers.size),
            "posting_date": pa.array((FIRST_DAY + day).astype("datetime64[D]")),
            "quantity": pa.array(rng.integers(1, 200, n).astype(np.int64)),
            "unit_price": pa.array(_local_price(eur, partner)),
            "currency": _dictionary(currencies, partner),
        }
    )


def _every_partner(cat: Catalogue, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(partner index, part index) for both partners and each part in `rows`."""
    return np.repeat([0, 1], rows.size), np.tile(rows, 2)


def baselines(cat: Catalogue) -> pa.Table:
    partner, part = _every_partner(cat, np.flatnonzero(cat.has_baseline))
    rebased = cat.rebased[part]
    partner = np.concatenate([partner, partner[rebased]])
    day = np.concatenate([np.full(part.size, "2014-01-01"), np.full(rebased.sum(), REBASE_DAY)])
    eur = np.concatenate([cat.base_eur[part], cat.base_eur[part[rebased]] * 1.02])
    part = np.concatenate([part, part[rebased]])
    return _price_table("baseline_unit_price", partner, part, _local_price(eur, partner), day, cat)


def _price_table(
    column: str,
    partner: np.ndarray,
    part: np.ndarray,
    price: np.ndarray,
    day: np.ndarray,
    cat: Catalogue,
) -> pa.Table:
    return pa.table(
        {
            "partner": PARTNERS[partner],
            "part_number": cat.numbers[part],
            column: price,
            "currency": _currency(partner),
            "valid_from": pa.array(day.astype("datetime64[D]")),
        }
    )


def contracts(cat: Catalogue) -> pa.Table:
    """The negotiated price of each claimed part from its initiative's start."""
    tables = []
    for f, (_, start, _end, target) in INITIATIVES.items():
        partner, part = _every_partner(cat, np.flatnonzero(cat.family == FAMILIES.index(f)))
        eur = cat.base_eur[part] * (1.0 - target)
        day = np.full(part.size, start)
        tables.append(
            _price_table("contract_unit_price", partner, part, _local_price(eur, partner), day, cat)
        )
    return pa.concat_tables(tables)


def quotes(cat: Catalogue) -> pa.Table:
    """Supplier quotes for the parts with no purchase history (cost avoidance)."""
    partner, part = _every_partner(cat, np.flatnonzero(~cat.has_baseline))
    eur = cat.base_eur[part] * 1.05
    day = np.full(part.size, "2014-01-01")
    return _price_table("quoted_unit_price", partner, part, _local_price(eur, partner), day, cat)


def initiative_scope(cat: Catalogue) -> pa.Table:
    rows: dict[str, list[object]] = {
        k: [] for k in ("initiative_id", "partner", "part_number", "valid_from", "valid_to")
    }

    def claim(initiative: str, parts: np.ndarray, start: str, end: str | None) -> None:
        for partner in PARTNERS:
            for number in cat.numbers[parts]:
                rows["initiative_id"].append(initiative)
                rows["partner"].append(str(partner))
                rows["part_number"].append(str(number))
                rows["valid_from"].append(date.fromisoformat(start))
                rows["valid_to"].append(date.fromisoformat(end) if end else None)

    for f, (initiative, start, end, _target) in INITIATIVES.items():
        claim(initiative, np.flatnonzero(cat.family == FAMILIES.index(f)), start, end)
    seats = np.flatnonzero(cat.family == FAMILIES.index("SEA"))
    seats = seats[: max(1, int(seats.size * SEAT_ELECTRONICS))]
    claim("PUR-002", seats, DOUBLE_CLAIM_FROM, None)
    return pa.table(rows, schema=pa.schema([
        ("initiative_id", pa.string()), ("partner", pa.string()), ("part_number", pa.string()),
        ("valid_from", pa.date32()), ("valid_to", pa.date32()),
    ]))  # fmt: skip


def fx_rates(seed: int) -> pa.Table:
    """Monthly JPY and USD per EUR, 2014-2017, with one JPY month missing."""
    rng = np.random.default_rng([seed, 2])
    months = [f"{y}-{m:02d}" for y in range(2014, 2018) for m in range(1, 13)]
    jpy = np.round(140.0 + np.cumsum(rng.normal(-0.3, 2.0, len(months))), 4)
    usd = np.round(1.25 + np.cumsum(rng.normal(-0.003, 0.02, len(months))), 4)
    keep = [i for i, m in enumerate(months) if m != MISSING_JPY_MONTH]
    return pa.table(
        {
            "month": [months[i] for i in keep] + months,
            "currency": ["JPY"] * len(keep) + ["USD"] * len(months),
            "per_eur": np.concatenate([jpy[keep], usd]),
        }
    )


def write_table(table: pa.Table, folder: Path, name: str, fmt: str) -> None:
    if fmt == "csv":
        pa_csv.write_csv(plain_columns(table), folder / f"{name}.csv")
    else:
        pq.write_table(table, folder / f"{name}.parquet")


def plain_columns(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, as CSV has no dictionaries."""
    return pa.table(
        {
            name: column.cast(column.type.value_type)
            if pa.types.is_dictionary(column.type)
            else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )


class LinesWriter:
    """Appends chunks of purchase lines to one Parquet file (a row group each) or CSV file."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str) -> None:
        self.fmt = fmt
        if fmt == "csv":
            self.csv = pa_csv.CSVWriter(path, plain_columns(schema.empty_table()).schema)
        else:
            self.parquet = pq.ParquetWriter(path, schema, compression="snappy")

    def write(self, table: pa.Table) -> None:
        if self.fmt == "csv":
            self.csv.write_table(plain_columns(table))
        else:
            self.parquet.write_table(table, row_group_size=table.num_rows)

    def close(self) -> None:
        (self.csv if self.fmt == "csv" else self.parquet).close()


def write_readme(folder: Path, lines: int, seed: int) -> None:
    meta = {
        "illustrative": True,
        "generator": "synergies generate purchases",
        "lines": lines,
        "seed": seed,
        "initiatives": INITIATIVE_NAMES,
    }
    (folder / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n")
    (folder / "README.md").write_text(
        "# Synthetic purchasing source (illustrative)\n\n"
        "Generated by `synergies generate purchases`. Every part, price, supplier and "
        "initiative scope here is invented for the example alliance; only the partners' "
        "currencies and fiscal years follow public facts.\n"
    )


def generate_purchases(
    out: Path,
    lines: int,
    *,
    seed: int = 2016,
    fmt: str = "parquet",
    layout: str = "file",
    on_chunk: Callable[[int], None] | None = None,
) -> Path:
    """Write a synthetic source of `lines` purchase lines to the folder `out`.

    `layout` "file" writes purchase_lines as one file; "hive" as Parquet parts in
    purchase_lines/year=YYYY/month=MM/partner=P/ folders (the same lines either way)."""
    if lines < 1:
        raise InvalidInput(f"{lines} lines", field="lines", fix="ask for at least 1 line")
    if fmt not in ("parquet", "csv"):
        raise InvalidInput(f"unknown format {fmt!r}", field="format", fix="use parquet or csv")
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown layout {layout!r}", field="layout", fix="use file or hive")
    if layout == "hive" and fmt != "parquet":
        raise InvalidInput("a Hive layout is written in Parquet", field="layout",
                           fix="leave out --format csv, or use --layout file")  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    cat = Catalogue.build(seed, lines)
    small = {
        "baselines": baselines(cat),
        "initiative_scope": initiative_scope(cat),
        "contracts": contracts(cat),
        "quotes": quotes(cat),
        "fx_rates": fx_rates(seed),
    }
    for name, table in small.items():
        write_table(table, out, name, fmt)
    chunks = line_chunks(cat, seed, lines, on_chunk)
    if layout == "hive":
        write_hive(out / "purchase_lines", chunks)
    else:
        write_lines(out / f"purchase_lines.{fmt}", chunks, fmt)
    write_readme(out, lines, seed)
    return out


LAYOUTS = ("file", "hive")
HIVE_KEYS = ("year", "month", "partner")


def line_chunks(
    cat: Catalogue, seed: int, lines: int, on_chunk: Callable[[int], None] | None
) -> Iterator[pa.Table]:
    for chunk, first in enumerate(range(0, lines, CHUNK)):
        table = lines_chunk(cat, seed, chunk, first, min(CHUNK, lines - first))
        yield table
        if on_chunk is not None:
            on_chunk(table.num_rows)


def write_hive(folder: Path, chunks: Iterator[pa.Table]) -> None:
    """Parts in year=/month=/partner= folders; the keys live in the folder names only.

    Each partition's lines are buffered until a row group of HIVE_ROW_GROUP lines is full, as
    a lake's writer would (Spark writes 128 MB row groups): an engine scans a few large row
    groups much faster than thousands of small ones."""
    writers: dict[tuple[str, str, str], pq.ParquetWriter] = {}
    pending: dict[tuple[str, str, str], list[pa.Table]] = defaultdict(list)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)

    def flush(key: tuple[str, str, str]) -> None:
        table = pa.concat_tables(pending.pop(key))
        counts.pop(key, None)
        if key not in writers:
            part = folder.joinpath(*(f"{k}={v}" for k, v in zip(HIVE_KEYS, key, strict=True)))
            part.mkdir(parents=True, exist_ok=True)
            writers[key] = pq.ParquetWriter(part / "part-0.parquet", table.schema)
        writers[key].write_table(table, row_group_size=table.num_rows)

    if folder.exists():
        shutil.rmtree(folder)
    for chunk in chunks:
        for key, part in split_by_partition(chunk):
            pending[key].append(part)
            counts[key] += part.num_rows
            if counts[key] >= HIVE_ROW_GROUP:
                flush(key)
    for key in sorted(pending):
        flush(key)
    for writer in writers.values():
        writer.close()


HIVE_ROW_GROUP = 500_000


def split_by_partition(chunk: pa.Table) -> Iterator[tuple[tuple[str, str, str], pa.Table]]:
    """The chunk's lines by (year, month, partner), without those columns; in line order."""
    day = chunk["posting_date"]
    year = pc.year(day).to_numpy(zero_copy_only=False)
    month = pc.month(day).to_numpy(zero_copy_only=False)
    partner = chunk["partner"].combine_chunks().indices.to_numpy(zero_copy_only=False)
    names = chunk["partner"].combine_chunks().dictionary.to_pylist()
    key = (year.astype(np.int64) * 12 + month - 1) * len(names) + partner
    order = np.argsort(key, kind="stable")
    ordered = chunk.drop_columns(["partner"]).take(pa.array(order))
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [key.size]])
    for start, end in zip(starts, ends, strict=True):
        k = int(key[order[start]])
        months, who = divmod(k, len(names))
        yield (
            (str(months // 12), f"{months % 12 + 1:02d}", str(names[who])),
            ordered.slice(start, end - start),
        )


def write_lines(path: Path, chunks: Iterator[pa.Table], fmt: str) -> None:
    writer: LinesWriter | None = None
    for table in chunks:
        writer = writer or LinesWriter(path, table.schema, fmt)
        writer.write(table)
    if writer is not None:
        writer.close()
