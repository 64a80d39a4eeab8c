"""The synergy report on both backends: years, targets, gap, currency and fiscal calendars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from synergies.domain.errors import InvalidInput, NotFound
from synergies.example.structure import EUR_JPY
from synergies.reports.synergy_report import Breakdown
from synergies.services.context import Context
from synergies.services.reports import synergy_report


def test_2015_against_the_2018_target(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, year=2015)
    realized = {y.year: y.realized.amount for y in report.years}
    assert realized[2015] == Decimal("4300000000.00")
    assert realized[2009] == Decimal("1500000000.00")
    to_2018 = next(p for p in report.positions if p.target_year == 2018)
    assert to_2018.gap.amount == Decimal("1200000000")
    # (5.5 / 4.3) ** (1/3) - 1
    assert float(to_2018.growth_needed or 0) == pytest.approx(0.085504, abs=1e-6)


def test_the_breakdown_sums_to_the_year(example_ctx: Context) -> None:
    for by in Breakdown:
        report = synergy_report(example_ctx, year=2014, by=by)
        assert sum(b.realized.amount for b in report.breakdown) == Decimal("3800000000.00")


def test_2009_by_function_shows_the_published_parts(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, year=2009, by=Breakdown.function)
    by_function = {b.key: b.realized.amount for b in report.breakdown}
    assert by_function["manufacturing-scm"] == Decimal("363000000.00")
    assert by_function["engineering"] == Decimal("568000000.00")  # powertrain 289 + engineering 279


def test_2009_split_equally_between_partners(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, year=2009, by=Breakdown.partner)
    assert {b.key: b.realized.amount for b in report.breakdown} == {
        "RENAULT": Decimal("750000000.00"),
        "NISSAN": Decimal("750000000.00"),
    }


def test_yen_at_each_months_rate(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, currency="JPY")
    realized = {y.year: y.realized.amount for y in report.years}
    # Every 2015 month uses the same illustrative rate, so the year converts at that rate.
    assert realized[2015] == Decimal("4300000000") * Decimal(EUR_JPY[2015])


def test_nissan_fiscal_years_straddle_calendar_years(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, fiscal_year_of="NISSAN")
    realized = {y.label: y.realized.amount for y in report.years}
    # FY2015 = April-December 2015 (9/12 of 4.3 bn) + January-March 2016 (3/12 of 5.0 bn).
    # Each (function, initiative, partner) amount is split over months to the cent, so a month
    # may carry a leftover cent of each of its ~20 splits.
    fy2015 = Decimal("4300000000") * 9 / 12 + Decimal("5000000000") * 3 / 12
    assert abs(realized["FY2015"] - fy2015) <= Decimal("1.00")
    assert abs(realized["FY2008"] - Decimal("1500000000") * 3 / 12) <= Decimal("1.00")
    assert sum(realized.values()) == sum(
        y.realized.amount for y in synergy_report(example_ctx).years
    )
    assert report.calendar == "fiscal year of NISSAN"


def test_a_year_without_data_is_refused_with_the_range(example_ctx: Context) -> None:
    with pytest.raises(NotFound) as error:
        synergy_report(example_ctx, year=2030)
    assert error.value.fix == "pick a year from 2009 to 2017"


def test_an_unknown_currency_is_refused(example_ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="unknown currency"):
        synergy_report(example_ctx, currency="XXX")


def test_the_bridge_explains_the_change_from_the_year_before(example_ctx: Context) -> None:
    report = synergy_report(example_ctx, year=2015, by=Breakdown.function)
    change = sum((b.change.amount for b in report.bridge), Decimal(0))
    assert change == Decimal("4300000000.00") - Decimal("3800000000.00")
    assert report.bridge[0].change.amount >= report.bridge[-1].change.amount


def test_a_cached_report_follows_every_change(example_ctx: Context) -> None:
    from datetime import UTC, datetime

    from synergies.domain.calendar import Month
    from synergies.domain.initiatives import Category
    from synergies.domain.ledger import EntrySource, LedgerEntry
    from synergies.domain.money import Money
    from synergies.services import ledger

    def realized_2016() -> Decimal:
        years = synergy_report(example_ctx).years
        return next(y.realized.amount for y in years if y.year == 2016)

    before = realized_2016()
    assert realized_2016() == before  # served from the cache
    added = ledger.add(example_ctx, LedgerEntry(
        "RENAULT", Month(2016, 6), Money.of("1234.56", "EUR"), Category.cost_reduction,
        EntrySource.entered, "t", datetime.now(UTC), initiative_id="PUR-001"))  # fmt: skip
    assert realized_2016() == before + Decimal("1234.56")
    ledger.reverse(example_ctx, added.id or 0, "test")
    assert realized_2016() == before


def test_a_report_inside_a_rolled_back_transaction_is_not_cached(example_ctx: Context) -> None:
    from datetime import UTC, datetime

    from synergies.domain.calendar import Month
    from synergies.domain.initiatives import Category
    from synergies.domain.ledger import EntrySource, LedgerEntry
    from synergies.domain.money import Money
    from synergies.services import ledger

    before = synergy_report(example_ctx).years
    with pytest.raises(RuntimeError), example_ctx.transaction():
        ledger.add(example_ctx, LedgerEntry(
            "RENAULT", Month(2016, 6), Money.of("99", "EUR"), Category.cost_reduction,
            EntrySource.entered, "t", datetime.now(UTC), initiative_id="PUR-001"))  # fmt: skip
        assert synergy_report(example_ctx).years != before
        raise RuntimeError("rolled back")
    assert synergy_report(example_ctx).years == before


def test_a_report_kept_up_to_date_by_appends_equals_one_computed_afresh(
    example_ctx: Context,
) -> None:
    import random
    from datetime import UTC, datetime

    from synergies.domain.calendar import Month
    from synergies.domain.fx import FxRate
    from synergies.domain.initiatives import Category
    from synergies.domain.ledger import EntrySource, LedgerEntry
    from synergies.domain.money import Money
    from synergies.reports.synergy_report import build_report
    from synergies.services import ledger, structure

    def afresh(currency: str) -> object:
        return build_report(ledger.entries(example_ctx), structure.targets(example_ctx),
                            structure.fx_table(example_ctx), currency=currency,
                            breakdown=Breakdown.partner)  # fmt: skip

    rng = random.Random(5)
    for step in range(12):
        synergy_report(example_ctx, by=Breakdown.partner, currency="JPY")  # keep a tally warm
        if step == 6:  # a change to the inputs that is not an append: the tally starts over
            structure.add_fx_rates(
                example_ctx, [FxRate(Month(2019, 1), "JPY", Decimal("125"))], "t"
            )
        amount = Money.of(
            f"{rng.randint(1, 10**7)}.{rng.randint(0, 99):02d}", rng.choice(["EUR", "JPY"])
        )
        added = ledger.add(example_ctx, LedgerEntry(
            rng.choice(["RENAULT", "NISSAN"]), Month(rng.choice([2015, 2016, 2017]), rng.randint(1, 12)),
            amount, Category.cost_reduction, EntrySource.entered, "t", datetime.now(UTC),
            function="purchasing"))  # fmt: skip
        if step % 4 == 3:
            ledger.reverse(example_ctx, added.id or 0, "test")
        for currency in ("EUR", "JPY"):
            kept = synergy_report(example_ctx, by=Breakdown.partner, currency=currency)
            fresh = afresh(currency)
            assert kept.years == fresh.years and kept.breakdown == fresh.breakdown  # type: ignore[attr-defined]
