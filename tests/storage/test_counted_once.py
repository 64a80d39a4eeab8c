"""A saving is counted once: the same purchase lines from another folder, layout or copy add
nothing; declared and measured figures for the same cell reconcile instead of adding up.
On SQLite and PostgreSQL, on the example alliance."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.domain.calendar import Month
from synergies.domain.counting import counted
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.measurement.generate import generate_purchases
from synergies.reports.synergy_report import Breakdown, build_report
from synergies.services import initiative_status, ledger, measurement, reports, structure
from synergies.services.context import Context
from synergies.services.ledger import EntryFilter
from tests.measurement.hand_case import TABLES, write_hand_case

LINES = 20_000


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same generated lines as one Parquet file, as a Hive folder, and as a copy."""
    root = tmp_path_factory.mktemp("lines")
    generate_purchases(root / "flat", LINES, seed=11)
    generate_purchases(root / "hive", LINES, seed=11, layout="hive")
    shutil.copytree(root / "flat", root / "copy")
    return {name: root / name for name in ("flat", "hive", "copy")}


def live_measured(ctx: Context) -> Decimal:
    """The measured amount standing in the ledger (reversals net their entries to zero)."""
    entries = ledger.entries(ctx, EntryFilter(source=EntrySource.measured))
    return sum((e.amount.amount for e in entries), Decimal(0))


def realized(ctx: Context, year: int) -> Decimal:
    line = next(y for y in reports.synergy_report(ctx).years if y.year == year)
    return line.realized.amount


def test_the_same_lines_from_a_flat_folder_a_hive_copy_and_a_copied_folder_add_once(
    example_ctx: Context, sources: dict[str, Path]
) -> None:
    first = measurement.post_source(example_ctx, sources["flat"])
    assert first.entries_added > 0 and not first.held
    standing, headline = live_measured(example_ctx), realized(example_ctx, 2015)

    hive = measurement.post_source(example_ctx, sources["hive"])
    assert hive.entries_added == 0 and hive.entries_reversed == 0
    posted = {
        (e.partner, e.period)
        for e in ledger.entries(example_ctx, EntryFilter(source=EntrySource.measured))
    }
    # Every month the first source posted is held by it; a month it could not measure (the
    # generated source lacks one JPY rate) holds nothing to count twice.
    assert {(h.partner, h.month) for h in hive.held} == posted
    assert all(h.run_id == first.run_id and h.same_lines for h in hive.held)
    assert sum(h.amount for h in hive.held) == standing

    copy = measurement.post_source(example_ctx, sources["copy"])
    assert copy.entries_added == 0
    assert live_measured(example_ctx) == standing
    assert realized(example_ctx, 2015) == headline


def renamed(folder: Path, rename: str) -> Path:
    """The hand case with every line id rewritten by `rename` ("L{}x": L01 -> L01x)."""
    write_hand_case(folder)
    text = TABLES["purchase_lines"].splitlines()
    lines = [text[0]] + [
        rename.format(row[1:3]) + row[3:] if row.startswith("L") else row for row in text[1:]
    ]
    (folder / "purchase_lines.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_other_lines_of_the_same_months_add_and_overlapping_ones_do_not(
    example_ctx: Context, tmp_path: Path
) -> None:
    """Line ids that cannot meet the holder's are other lines; ids whose range meets it may
    be the same lines and are left out, naming the run that holds them."""
    hand = measurement.post_source(example_ctx, write_hand_case(tmp_path / "a"))
    once = live_measured(example_ctx)
    other = measurement.post_source(example_ctx, renamed(tmp_path / "b", "M{}"))
    assert other.entries_added > 0 and not other.held
    assert live_measured(example_ctx) == 2 * once

    # The hand case less one line of RENAULT's March: that month's ids still span L02-L08.
    fewer = write_hand_case(tmp_path / "c")
    kept = [r for r in TABLES["purchase_lines"].splitlines() if not r.startswith("L03,")]
    (fewer / "purchase_lines.csv").write_text("\n".join(kept) + "\n")
    overlapping = measurement.post_source(example_ctx, fewer)
    assert overlapping.entries_added == 0 and overlapping.held
    assert {h.run_id for h in overlapping.held} == {hand.run_id}
    march = [h for h in overlapping.held if (h.partner, str(h.month)) == ("RENAULT", "2015-03")]
    assert [h.same_lines for h in march] == [False]
    assert live_measured(example_ctx) == 2 * once


def test_reversing_the_holder_frees_its_months(example_ctx: Context, tmp_path: Path) -> None:
    a = measurement.post_source(example_ctx, write_hand_case(tmp_path / "a"))
    copy = tmp_path / "b"
    write_hand_case(copy)
    (copy / "purchase_lines.csv").write_text(TABLES["purchase_lines"] + "\n")  # other bytes
    held = measurement.post_source(example_ctx, copy)
    assert held.entries_added == 0 and held.held
    once = live_measured(example_ctx)
    for entry in ledger.entries(example_ctx, EntryFilter(source=EntrySource.measured)):
        if entry.reverses is None and entry.run_id == a.run_id:
            ledger.reverse(example_ctx, entry.id or 0, "measured again from the other extract")
    assert live_measured(example_ctx) == 0
    again = measurement.post_source(example_ctx, copy)
    assert not again.unchanged and not again.held and again.entries_added > 0
    assert live_measured(example_ctx) == once


def test_a_measured_cell_replaces_what_was_declared_for_it(
    example_ctx: Context, sources: dict[str, Path]
) -> None:
    """PUR-001 has published monthly figures; once measured, the measured figure stands for
    each measured initiative, partner, month and value class, and the published one is shown
    as confirmed beside it. The headline moves by exactly measured less confirmed."""
    before = reports.synergy_report(example_ctx, year=2015, by=Breakdown.initiative)
    measurement.post_source(example_ctx, sources["flat"])
    after = reports.synergy_report(example_ctx, year=2015, by=Breakdown.initiative)
    year_before = next(y for y in before.years if y.year == 2015)
    year_after = next(y for y in after.years if y.year == 2015)
    r = year_after.reconciled
    assert r.measured.amount > 0 and r.declared_confirmed.amount > 0
    assert year_after.realized == year_before.realized + r.difference
    assert year_after.realized == r.measured + r.declared_only
    pur1 = next(b for b in after.breakdown if b.key == "PUR-001")
    declared = next(b for b in before.breakdown if b.key == "PUR-001")
    assert pur1.reconciled.declared_confirmed == declared.realized  # every month measured
    assert pur1.realized == pur1.reconciled.measured
    assert (
        year_after.by_value.hard + year_after.by_value.avoidance + year_after.by_value.other
        == year_after.realized
    )


def test_the_store_counts_as_the_rule_over_plain_entries(
    example_ctx: Context, sources: dict[str, Path]
) -> None:
    """The SQL sums agree with domain/counting.py applied to every entry, to the cent, also
    after a measured entry is reversed (the declared figure counts again there)."""
    measurement.post_source(example_ctx, sources["flat"])
    one = next(e for e in ledger.entries(example_ctx, EntryFilter(source=EntrySource.measured)))
    ledger.reverse(example_ctx, one.id or 0, "wrong scope")
    every = ledger.entries(example_ctx)
    reference = build_report(
        every, structure.targets(example_ctx), structure.fx_table(example_ctx),
        currency="EUR", breakdown=Breakdown.initiative,
    )  # fmt: skip
    store = reports.synergy_report(example_ctx, by=Breakdown.initiative)
    assert [(y.year, y.realized, y.reconciled) for y in store.years] == [
        (y.year, y.realized, y.reconciled) for y in reference.years
    ]
    assert store.breakdown == reference.breakdown
    plain = sum(
        (e.amount.amount for e in counted(every) if e.is_synergy and e.period.year == 2015),
        Decimal(0),
    )
    assert next(y for y in store.years if y.year == 2015).realized.amount == plain


def test_a_hand_entry_for_a_measured_month_is_not_added(
    example_ctx: Context, tmp_path: Path
) -> None:
    """An amount typed for a month that was measured is kept and shown, not added."""
    measurement.post_source(example_ctx, write_hand_case(tmp_path))
    entry = next(
        e
        for e in ledger.entries(example_ctx, EntryFilter(source=EntrySource.measured))
        if e.initiative_id == "PUR-001" and e.reverses is None
    )
    headline = realized(example_ctx, 2015)
    typed = LedgerEntry(
        partner=entry.partner, period=entry.period, amount=entry.amount * 1000,
        category=entry.category, source=EntrySource.entered, author="pat",
        recorded_at=entry.recorded_at, initiative_id="PUR-001",
    )  # fmt: skip
    ledger.add(example_ctx, typed)
    assert realized(example_ctx, 2015) == headline
    year = next(y for y in reports.synergy_report(example_ctx).years if y.year == 2015)
    assert year.reconciled.declared_confirmed.amount >= typed.amount.amount


def test_an_initiative_status_counts_as_the_report_does(
    example_ctx: Context, sources: dict[str, Path]
) -> None:
    """What the register, alerts and forecast read as realized per initiative follows the
    same rule: PUR-001's realized to the end of 2017 is the report's, year by year."""
    measurement.post_source(example_ctx, sources["flat"])
    through = Month(2017, 12)
    own, _ = initiative_status.realized_per_initiative(example_ctx, through)
    by_year = [
        next((b.realized.amount for b in reports.synergy_report(
            example_ctx, year=y, by=Breakdown.initiative).breakdown if b.key == "PUR-001"),
            Decimal(0))
        for y in range(2009, 2018)
    ]  # fmt: skip
    assert own["PUR-001"].to_date == sum(by_year, Decimal(0))
