"""Periods that make sense: a realized entry lies between the alliance's founding month and
the current month, every way it comes in; and no single entry (a far-future one stored before
this rule, or a month the FX table lacks) makes a view fail for everyone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from synergies.domain.calendar import Month
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.measurement.result import Cell, Figures, MeasurementResult
from synergies.services import (
    alerts,
    boardpack,
    exports,
    forecasts,
    imports,
    initiative_detail,
    ledger,
    measurement,
    reports,
    structure,
)
from synergies.services.context import Context
from synergies.services.imports import WorkbookInvalid
from synergies.storage import ledger_rows
from tests.workbooks.workbook_files import ENTRY, INITIATIVE, tracker

NOW = datetime(2026, 12, 7, 18, tzinfo=UTC)
FAR = Month(2199, 12)


@pytest.fixture
def ctx(example_ctx: Context) -> Context:
    """The example alliance (founded 27 March 1999) with the clock in December 2026."""
    return replace(example_ctx, clock=lambda: NOW)


def saving(month: Month, amount: str = "0.01", currency: str = "EUR") -> LedgerEntry:
    return LedgerEntry(
        partner="RENAULT", period=month, amount=Money(Decimal(amount), currency),
        category=Category.cost_reduction, source=EntrySource.entered, author="pat.purchasing",
        recorded_at=NOW, initiative_id="PUR-001", reason="invoice check",
    )  # fmt: skip


def stored_before_the_rule(ctx: Context, entry: LedgerEntry) -> None:
    """Write an entry as the store took it before dates were checked: rows, no service."""
    with ctx.store.engine.begin() as conn:
        ledger_rows.insert_entries(conn, [entry])


def test_the_example_knows_when_the_alliance_began(ctx: Context) -> None:
    assert structure.founded(ctx) == date(1999, 3, 27)


def test_an_entry_after_the_current_month_is_refused_with_where_plans_belong(
    ctx: Context,
) -> None:
    count = len(ledger.entries(ctx))
    with pytest.raises(InvalidInput) as refused:
        ledger.add(ctx, saving(Month(2027, 1)))
    assert refused.value.field == "period"
    assert "2027-01 is after the current month 2026-12" in refused.value.message
    assert "business case" in (refused.value.fix or "")
    assert "locked plan" in (refused.value.fix or "")
    assert len(ledger.entries(ctx)) == count
    assert ledger.add(ctx, saving(Month(2026, 12))).id is not None  # this month is realized


def test_an_entry_before_the_alliance_is_refused_its_founding_month_is_not(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match=r"1999-02 is before the alliance began \(1999-03-27\)"):
        ledger.add(ctx, saving(Month(1999, 2)))
    assert ledger.add(ctx, saving(Month(1999, 3))).period == Month(1999, 3)


def test_a_batch_with_one_future_entry_writes_nothing(ctx: Context) -> None:
    count = len(ledger.entries(ctx))
    with pytest.raises(InvalidInput, match="2199-12"):
        ledger.add_many(ctx, [saving(Month(2016, 5)), saving(FAR)], ["a", "b"], "batch")
    assert len(ledger.entries(ctx)) == count


def test_a_stored_future_entry_can_still_be_reversed(ctx: Context) -> None:
    stored_before_the_rule(ctx, saving(FAR))
    (far,) = [e for e in ledger.entries(ctx) if e.period == FAR]
    assert far.id is not None
    assert ledger.reverse(ctx, far.id, "dated by mistake").period == FAR


def test_the_founding_date_is_editable_but_not_after_an_entry(ctx: Context) -> None:
    with pytest.raises(Conflict, match="the ledger holds an entry dated 2009-01"):
        structure.set_founded(ctx, date(2010, 1, 1))
    structure.set_founded(ctx, date(2009, 1, 1))
    assert structure.founded(ctx) == date(2009, 1, 1)
    with pytest.raises(InvalidInput, match="before the alliance began"):
        ledger.add(ctx, saving(Month(2008, 12)))


def test_a_workbook_row_outside_the_periods_names_its_sheet_row_and_column(
    ctx: Context, tmp_path: Path
) -> None:
    future = ["T-2", ENTRY[1], "2199-12", *ENTRY[3:]]
    early = ["T-3", ENTRY[1], "1998-12", *ENTRY[3:]]
    path = tracker(tmp_path / "t.xlsx", initiatives=[INITIATIVE], ledger=[ENTRY, future, early])
    before = len(ledger.entries(ctx))
    with pytest.raises(WorkbookInvalid) as refused:
        imports.import_workbook(ctx, path)
    found = {(p.sheet, p.row, p.column, p.value) for p in refused.value.problems}
    assert found == {("Ledger", 3, "C (Month)", "2199-12"), ("Ledger", 4, "C (Month)", "1998-12")}
    assert len(ledger.entries(ctx)) == before


def test_a_measured_source_with_future_lines_is_refused_whole(ctx: Context, tmp_path: Path) -> None:
    figures = Figures(lines_claimed=3, lines_measured=3, gross_gain=Decimal("900"),
                      leakage_lines=0, leakage=Decimal(0), double_claimed_lines=0,
                      double_claimed_amount=Decimal(0))  # fmt: skip
    cells = {Cell("PUR-001", "RENAULT", m): figures for m in (Month(2016, 5), FAR)}
    result = MeasurementResult("EUR", 6, cells, lineage={"content_sha256": "x"}, line_ranges={})
    before = len(ledger.entries(ctx))
    with pytest.raises(InvalidInput) as refused:
        measurement.post_result(ctx, tmp_path / "purchases", result)
    assert "1 month(s) outside 1999-03 to 2026-12: 2199-12" in refused.value.message
    assert "date from/to" in (refused.value.fix or "")
    assert len(ledger.entries(ctx)) == before and measurement.runs(ctx) == []


# --- no single entry makes a view fail ----------------------------------------------------


def test_a_report_in_yen_after_the_last_rate_uses_it_and_says_so(ctx: Context) -> None:
    ledger.add(ctx, saving(Month(2019, 4), "1000"))
    report = reports.synergy_report(ctx, currency="JPY", year=2019)
    (line,) = [y for y in report.years if y.year == 2019]
    assert line.realized == Money(Decimal("130400"), "JPY")  # 2018-12's 130.40 JPY per EUR
    assert "2019-01 to 2019-12 have no rate: at the 2018-12 rate" in report.rates_note
    assert "no rate" not in reports.synergy_report(ctx, currency="EUR").rates_note


def test_a_month_before_the_first_rate_stays_an_error_naming_it(ctx: Context) -> None:
    ledger.add(ctx, saving(Month(2005, 6), "1000"))
    with pytest.raises(NotFound) as refused:
        reports.synergy_report(ctx, currency="JPY")
    assert refused.value.message == "no FX rate for JPY up to 2005-06"
    assert "add JPY rates for 2005-06 or an earlier month" in (refused.value.fix or "")


def test_a_far_future_entry_stored_before_the_rule_breaks_no_view(
    ctx: Context, tmp_path: Path
) -> None:
    stored_before_the_rule(ctx, saving(FAR))
    report = reports.synergy_report(ctx)
    assert report.breakdown_year == 2017  # the latest realized year up to now, not 2199
    assert any(p.target_year == 2018 for p in report.positions)  # the overview's headline
    in_yen = reports.synergy_report(ctx, currency="JPY")
    assert in_yen.breakdown_year == 2017 and "2199-12 have no rate" in in_yen.rates_note
    outcome = forecasts.run_forecast(ctx, target_year=2018, trials=2_000)
    assert outcome.inputs.portfolio.baseline.year == 2017
    alerts.evaluate(ctx)  # every rule reads the ledger in EUR: none fails
    assert initiative_detail.forecast_contribution(ctx, "PUR-001").as_of == 2017
    assert boardpack.board_pack(ctx, 2017).outlook is not None
    assert exports.export(ctx, tmp_path / "store.xlsx").rows["Ledger"] > 0
