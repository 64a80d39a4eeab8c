"""`forecast --as-of Y` forecasts from what the store knew at the end of Y, as the backtest's
case for Y does; where history cannot say, it says that it used today's register."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import ledger
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.cli.conftest import Invoke

TRIALS = ("--trials", "10000", "--seed", "2016")


def _forecast(cli: Invoke, *args: str) -> dict[str, object]:
    result = cli("forecast", *args, *TRIALS, "--format", "json")
    assert result.code == 0, result.err
    document: dict[str, object] = json.loads(result.out)
    return document


def test_as_of_2015_gives_the_backtests_2015_case(cli: Invoke, db: str) -> None:
    forecast = _forecast(cli, "--as-of", "2015", "--target-year", "2018")
    backtest = json.loads(cli("forecast", "backtest", *TRIALS, "--format", "json").out)
    case = {p["year"]: p for p in backtest["points"] if p["as_of"] == 2015}
    years = {y["year"]: y for y in forecast["years"]}  # type: ignore[union-attr]
    for year in (2016, 2017):
        assert (years[year]["p10"], years[year]["p50"], years[year]["p90"]) == (
            case[year]["p10"], case[year]["p50"], case[year]["p90"]
        )  # fmt: skip
    assert forecast["view"] == "known then"
    assert "as the backtest's 2015 case" in forecast["notes"][0]  # type: ignore[index]
    target = next(t for t in forecast["targets"] if t["year"] == 2018)  # type: ignore[union-attr]
    assert float(target["probability"]) < 0.01  # today's register said 67%
    table = cli("forecast", "--as-of", "2015", "--trials", "1000").out
    assert "Note: the portfolio as the store knew it at the end of 2015" in table


def test_the_default_forecast_is_todays_register(cli: Invoke, db: str) -> None:
    document = _forecast(cli)
    assert document["view"] == "today" and document["notes"] == []


def test_without_history_of_the_year_it_says_it_used_todays_register(cli: Invoke, db: str) -> None:
    # One entry recorded in time makes the store's dating `recorded`; its stage history was
    # recorded when the example was loaded, later: history cannot say what was known in 2015.
    then = datetime(2016, 2, 1, tzinfo=UTC)
    ctx = Context(Store.open(db), local_operator(), clock=lambda: then)
    ledger.add(ctx, LedgerEntry(
        partner="RENAULT", period=Month(2015, 12), amount=Money(Decimal(1_000_000), "EUR"),
        category=Category.cost_reduction, source=EntrySource.entered, author="test",
        recorded_at=then, function="purchasing",
    ))  # fmt: skip
    document = _forecast(cli, "--as-of", "2015", "--target-year", "2018")
    assert document["view"] == "today"
    assert document["notes"] == [
        "history cannot say what was known at the end of 2015 (no stage history recorded by "
        "then): today's register is used"
    ]
