"""The backtest at initiative level: each initiative's realized savings against its own band."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from synergies.forecasting.backtest import Case, Run, Uncertainty, case_settings
from synergies.forecasting.initiative_bands import (
    InitiativePoint,
    _draw,
    initiative_points,
    records,
    scores,
)
from synergies.forecasting.prepare import prepare
from synergies.services.backtest import read_history, run_backtest
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.cli.conftest import Invoke
from tests.forecast_backtest.synthetic import FIRST, portfolio

RUN = Run(horizons=1, trials=2_000, seed=5, workers=1)


def _synthetic(count: int, scale: float = 1.0) -> tuple[list[Case], dict[str, dict[int, float]]]:
    """Cases whose initiatives each realized 50 M in the as-of year, and outcomes drawn from
    each one's own marginal in the model (another stream than the backtest's), times `scale`."""
    cases, truth = [], {}
    for n in range(count):
        as_of = FIRST + 2 * n
        held = portfolio(as_of)
        own = {i.id: 50_000_000.0 for i in held.initiatives} | {"DONE": 80_000_000.0}
        case = Case(as_of, held, known={}, own=own)
        prep = prepare(held, case_settings(case, RUN))
        ids = sorted(own)
        index = {i.id: k for k, i in enumerate(held.initiatives)}
        part = np.array([index.get(i, -1) for i in ids], dtype=np.int64)
        rng = np.random.Generator(np.random.SFC64(10_000 + n))
        draw = _draw(prep, part, np.array([own[i] for i in ids]), held.baseline.sigma, 1, rng)
        for j, initiative in enumerate(ids):
            truth.setdefault(initiative, {})[as_of + 1] = float(draw[j, 0, 0]) * scale
        cases.append(case)
    return cases, truth


def _value(points: Sequence[InitiativePoint], name: str) -> float:
    value = next(s for s in scores(points) if s.name == name).value
    assert value is not None
    return value


def test_initiatives_drawn_from_the_model_fall_in_their_bands_at_nominal_rates() -> None:
    cases, truth = _synthetic(100)
    years = [c.as_of + 1 for c in cases]
    points = initiative_points(cases, truth, years, RUN, Uncertainty())
    assert len(points) == 700  # six in the pipeline and one fully realized, per case
    assert abs(_value(points, "coverage P10-P90") - 0.80) <= 0.05
    assert abs(_value(points, "coverage P25-P75") - 0.50) <= 0.06
    assert abs(_value(points, "mean PIT") - 0.5) <= 0.04


def test_initiatives_that_overdeliver_sit_above_their_bands() -> None:
    cases, truth = _synthetic(20, scale=2.0)
    points = initiative_points(cases, truth, [c.as_of + 1 for c in cases], RUN, Uncertainty())
    assert _value(points, "mean PIT") > 0.8
    worst = records(points)[0]
    assert worst.inside_p10_p90 < worst.points and worst.mean_pit > 0.85


def test_an_initiative_without_savings_known_at_the_as_of_year_is_not_judged() -> None:
    cases, truth = _synthetic(3)
    bare = [Case(c.as_of, c.portfolio, known={}, own={}) for c in cases]
    assert initiative_points(bare, truth, [c.as_of + 1 for c in cases], RUN, Uncertainty()) == []
    few = initiative_points(cases[:1], truth, [cases[0].as_of + 1], RUN, Uncertainty())
    assert next(s for s in scores(few[:4]) if s.name == "coverage P10-P90").value is None


def test_on_the_example_each_point_is_an_initiatives_own_ledger(db: str) -> None:
    ctx = Context(Store.open(db), local_operator())
    outcome = run_backtest(ctx, trials=2_000, horizons=1)
    history = read_history(ctx)
    points = outcome.initiative_points
    assert {p.initiative for p in points} >= {"PUR-001", "ENG-003", "MFG-001"}
    for p in points:
        case = next(c for c in outcome.cases if c.as_of == p.as_of)
        assert case.own[p.initiative] > 0  # savings of its own were known at the as-of year
        assert p.realized == history.own_truth[p.initiative].get(p.year, 0.0)
        assert p.year == p.as_of + 1


def test_the_backtest_reports_the_initiative_check(cli: Invoke, db: str) -> None:
    result = cli("forecast", "backtest", "--horizon", "1", "--trials", "2000", "--format", "json")
    assert result.code == 0, result.err
    own = json.loads(result.out)["initiatives"]
    assert own["points"] == sum(r["points"] for r in own["records"])
    assert [s["name"] for s in own["scores"]] == ["coverage P10-P90", "coverage P25-P75",
                                                  "mean PIT"]  # fmt: skip
    # The example's initiatives swing far more year to year than the 2% persistence the model
    # gives a realized saving: their own bands are much too narrow (a third, not 80%, inside
    # P10-P90, now that a plan short of its run-rate stays in the forecast).
    assert float(own["scores"][0]["value"]) < 0.4
    table = cli("forecast", "backtest", "--horizon", "1", "--trials", "2000").out
    assert "Most often outside their own band" in table and own["records"][0]["initiative"] in table
