"""No look-ahead: what was recorded or took effect after a view changes nothing in it."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category, PlanFigures, Stage
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.example.initiatives import initiatives
from synergies.forecasting.history import (
    Knowledge,
    PlanVersion,
    StageEvent,
    dating_for,
    initiative_as_of,
    known_entries,
)
from synergies.services.backtest import plan_versions
from synergies.services.context import Context
from synergies.services.initiatives import list_initiatives, set_probability, update_figures
from synergies.services.security import local_operator
from synergies.storage import audit_rows
from synergies.storage.store import Store
from tests.cli.conftest import Invoke


def _entry(period: Month, recorded: datetime) -> LedgerEntry:
    return LedgerEntry(
        partner="RENAULT", period=period, amount=Money(Decimal(1_000_000), "EUR"),
        category=Category.cost_reduction, source=EntrySource.entered, author="test",
        recorded_at=recorded,
    )  # fmt: skip


def _forecasts(
    document: dict[str, object], before: int, keep: set[int] | None = None
) -> list[object]:
    points = document["points"]
    assert isinstance(points, list)
    return [{k: p[k] for k in ("as_of", "year", "p10", "p25", "p50", "p75", "p90")}
            for p in points if p["as_of"] < before
            and (keep is None or p["as_of"] in keep)]  # fmt: skip


def _terms(document: dict[str, Any]) -> dict[int, list[str]]:
    return {v["as_of"]: v["on"] for v in document["terms"]["by_as_of"]}


def test_ledger_entries_after_an_as_of_year_change_nothing_in_its_forecast(
    cli: Invoke, db: str
) -> None:
    args = ("forecast", "backtest", "--trials", "2000", "--format", "json")
    before = json.loads(cli(*args).out)
    added = cli("ledger", "add", "--partner", "RENAULT", "--period", "2016-06", "--amount",
                "900000000", "--function", "purchasing", "--reason", "late news")  # fmt: skip
    assert added.code == 0, added.err
    after = json.loads(cli(*args).out)
    # Whether growth and intake are on is the whole history's verdict (leave one year out),
    # as the calibrated uncertainty is; what a view forecasts with the same terms on is not
    # moved by a later entry.
    same = {y for y, on in _terms(after).items() if _terms(before)[y] == on}
    assert len(same & set(range(2009, 2016))) >= 4
    assert _forecasts(after, 2016, same) == _forecasts(before, 2016, same)
    assert _forecasts(after, 2017) != _forecasts(before, 2017)  # 2016's own view moved
    realized = {p["year"]: p["realized"] for p in after["points"]}
    assert realized["2016" if "2016" in realized else 2016] != next(
        p["realized"] for p in before["points"] if p["year"] == 2016
    )  # the outcome the 2015 view is scored on did move


def test_recorded_dating_ignores_what_was_recorded_after_the_cutoff() -> None:
    view = Knowledge(2013, "recorded")
    on_time = _entry(Month(2013, 5), datetime(2014, 2, 1, tzinfo=UTC))
    late = _entry(Month(2013, 5), datetime(2014, 4, 1, tzinfo=UTC))
    future = _entry(Month(2014, 1), datetime(2014, 2, 1, tzinfo=UTC))
    assert known_entries([on_time, late, future], view) == [on_time]
    assert known_entries([on_time, late, future], Knowledge(2013, "effective")) == [on_time, late]
    assert dating_for([late], 2013) == "effective"
    assert dating_for([on_time, late], 2013) == "recorded"


def test_a_stage_reached_after_the_cutoff_is_not_known() -> None:
    item = next(i for i in initiatives() if i.id == "ENG-001")  # L5 today
    events = [StageEvent("ENG-001", "L2", datetime(2012, 5, 1, tzinfo=UTC)),
              StageEvent("ENG-001", "L3", datetime(2013, 2, 1, tzinfo=UTC)),
              StageEvent("ENG-001", "at risk", datetime(2013, 3, 1, tzinfo=UTC)),
              StageEvent("ENG-001", "L5", datetime(2016, 2, 20, tzinfo=UTC))]  # fmt: skip
    at_2012 = initiative_as_of(item, events, False, Knowledge(2012, "recorded"))
    assert at_2012 is not None and at_2012.stage is Stage.L3
    assert at_2012.side_status is not None and at_2012.side_status.value == "at risk"
    assert initiative_as_of(item, events, False, Knowledge(2010, "recorded")) is None


def test_effective_dating_reads_only_dates_up_to_the_cutoff() -> None:
    # ENG-001 (approved 2013-01-01, signed off February 2016, L5 today).
    item = next(i for i in initiatives() if i.id == "ENG-001")
    assert initiative_as_of(item, [], False, Knowledge(2011, "effective")) is None
    at_2012 = initiative_as_of(item, [], False, Knowledge(2012, "effective"))
    assert at_2012 is not None and at_2012.stage is Stage.L3  # approved by March 2013
    at_2013 = initiative_as_of(item, [], True, Knowledge(2013, "effective"))
    assert at_2013 is not None and at_2013.stage is Stage.L4  # realizing, not yet signed off
    at_2015 = initiative_as_of(item, [], True, Knowledge(2015, "effective"))
    assert at_2015 is not None and at_2015.stage is Stage.L5  # signed off February 2016


def _plan(run_rate: int, at: datetime, probability: str | None = None) -> PlanVersion:
    figures = PlanFigures(Money.of(run_rate, "EUR"), Money.of(0, "EUR"), Month(2014, 1), 12)
    return PlanVersion(at, figures, Decimal(probability) if probability else None)


def test_recorded_dating_reads_the_plan_as_it_was_recorded_by_the_cutoff() -> None:
    item = next(i for i in initiatives() if i.id == "ENG-001")
    events = [StageEvent("ENG-001", "L3", datetime(2012, 5, 1, tzinfo=UTC))]
    plans = [_plan(100_000_000, datetime(2012, 5, 1, tzinfo=UTC), "0.6"),
             _plan(300_000_000, datetime(2014, 6, 1, tzinfo=UTC))]  # fmt: skip
    early = initiative_as_of(item, events, False, Knowledge(2012, "recorded"), plans)
    assert early is not None and early.forecast == plans[0].forecast
    assert early.probability == Decimal("0.6")  # the override as it stood then
    late = initiative_as_of(item, events, False, Knowledge(2014, "recorded"), plans)
    assert late is not None and late.forecast == plans[1].forecast and late.probability is None
    # Dated by effect, the plan's recorded history says nothing: today's figures stand.
    effective = initiative_as_of(item, [], False, Knowledge(2012, "effective"), plans)
    assert effective is not None and effective.forecast == item.forecast


def test_the_audit_trail_gives_each_plan_version_as_recorded(db: str) -> None:
    ctx = Context(Store.open(db), local_operator())
    item = next(i for i in list_initiatives(ctx) if i.stage is not Stage.L5 and i.forecast)
    assert item.forecast is not None
    with ctx.reading() as conn:
        before = plan_versions(audit_rows.records(conn, "initiative/"))
    assert before[item.id][-1].forecast == item.forecast
    changed = replace(item.forecast, run_rate=Money.of(123_000_000, "EUR"), ramp_months=18)
    update_figures(ctx, item.id, changed)
    set_probability(ctx, item.id, Decimal("0.35"))
    with ctx.reading() as conn:
        after = plan_versions(audit_rows.records(conn, "initiative/"))[item.id]
    assert [v.forecast for v in after[-2:]] == [changed, changed]
    assert after[-1].probability == Decimal("0.35") and after[-2].probability is None
    assert len(after) == len(before[item.id]) + 2
    assert all(a.at <= b.at for a, b in itertools.pairwise(after))
