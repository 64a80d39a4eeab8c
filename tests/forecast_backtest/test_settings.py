"""Recorded uncertainty settings: `calibrate --apply`, the forecasts that name them, the
refusals that write nothing, and the way back to the defaults."""

from __future__ import annotations

import json

import pytest

from synergies.domain.accounts import Role
from synergies.domain.errors import Conflict, PermissionDenied
from synergies.forecasting.backtest import Run, Uncertainty
from synergies.forecasting.fit import fit, grid
from synergies.forecasting.history import Dating
from synergies.services import audit_trail, forecast_settings
from synergies.services.backtest import CalibrationOutcome, Span, apply_fit, calibrate_and_apply
from synergies.services.context import Context
from synergies.services.security import Actor, local_operator
from synergies.storage.store import Store
from tests.cli.conftest import Invoke
from tests.forecast_backtest.synthetic import history

RUN = Run(horizons=1, trials=2_000, seed=7, workers=1)
DATING: Dating = "effective"


def fitted_outcome(told_half: bool) -> CalibrationOutcome:
    """A fit on a synthetic history: better than the defaults (the truth has twice their
    spread), or no better (the truth is the defaults)."""
    cases, truth = history(160 if told_half else 40,
                           truth_model=Uncertainty(spread=2.0) if told_half else None)  # fmt: skip
    spreads = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0) if told_half else (1.0, 6.0)
    found = fit(cases, truth, RUN, grid(spreads, (1.0,)))
    return CalibrationOutcome(Span(2009, 2016, 1, DATING), RUN, found)


@pytest.fixture
def ctx(db: str) -> Context:
    return Context(Store.open(db), local_operator())


def _forecast(cli: Invoke) -> dict[str, object]:
    result = cli("forecast", "--as-of", "2015", "--trials", "4000", "--format", "json")
    assert result.code == 0, result.err
    document: dict[str, object] = json.loads(result.out)
    return document


def _band(document: dict[str, object], year: int) -> float:
    years = document["years"]
    assert isinstance(years, list)
    row = next(y for y in years if y["year"] == year)
    return float(row["p90"]) - float(row["p10"])


def test_an_applied_fit_is_what_forecasts_run_on_and_name(
    cli: Invoke, db: str, ctx: Context
) -> None:
    before = _forecast(cli)
    assert before["uncertainty"]["version"] == 0  # type: ignore[index]
    outcome = fitted_outcome(told_half=True)
    version = apply_fit(ctx, outcome, note="the bands ran narrow")
    assert version.version == 1 and version.uncertainty == outcome.fit.fitted
    assert version.fitted_from == 2009 and version.held_out_fitted == outcome.fit.held_out_fitted

    after = _forecast(cli)
    named = after["uncertainty"]
    assert named["version"] == 1 and named["note"] == "the bands ran narrow"  # type: ignore[index]
    assert "version 1" in named["described"]  # type: ignore[index]
    # A wider spread widens every year's band; the same seed, so nothing else moved it.
    assert _band(after, 2018) > 1.2 * _band(before, 2018)
    assert "Uncertainty settings: version 1" in cli("forecast", "--as-of", "2015",
                                                    "--trials", "1000").out  # fmt: skip
    backtest = json.loads(cli("forecast", "backtest", "--trials", "500", "--horizon", "1",
                              "--format", "json").out)  # fmt: skip
    assert backtest["settings"]["version"] == 1
    assert float(backtest["uncertainty"]["spread"]) == version.uncertainty.spread

    records = [r for r in audit_trail.records(ctx) if r.action == "forecast.settings"]
    assert len(records) == 1 and records[0].subject == "forecast settings/uncertainty"
    assert '"spread": 1.0' in (records[0].before or "")

    with pytest.raises(Conflict, match="already in force"):
        apply_fit(ctx, outcome)
    reset = cli("forecast", "settings", "--reset", "--note", "back to the book")
    assert reset.code == 0, reset.err
    assert "In force: version 2 (spread x1, slippage x1; the defaults again" in reset.out
    again = _forecast(cli)
    assert again["years"] == before["years"]  # the defaults give the defaults' figures exactly
    listed = json.loads(cli("forecast", "settings", "--format", "json").out)
    assert [v["version"] for v in listed["versions"]] == [1, 2]
    assert listed["in_force"]["version"] == 2


def test_a_fit_no_better_out_of_sample_is_refused_and_nothing_is_written(ctx: Context) -> None:
    head = audit_trail.records(ctx)[-1].seq
    outcome = fitted_outcome(told_half=False)
    assert not outcome.fit.better_out_of_sample
    with pytest.raises(Conflict, match="no better"):
        apply_fit(ctx, outcome)
    assert forecast_settings.versions(ctx) == []
    assert audit_trail.records(ctx)[-1].seq == head


def test_the_examples_fit_widens_around_the_median_and_is_applied(cli: Invoke, db: str) -> None:
    # Before the spread kept the median, the example's fit ran to the grid's edge (x6) and
    # was refused; widened around the median, x4 wins out of sample and leaves little bias.
    result = cli("forecast", "calibrate", "--trials", "500", "--apply")
    assert result.code == 0, result.err
    assert "Recorded: forecasts now run on version 1 (spread x4, slippage x2" in result.out
    assert "mostly location" not in result.out and "edge of the grid" not in result.out
    document = json.loads(cli("forecast", "calibrate", "--trials", "500", "--format", "json").out)
    assert not document["biased"] and not document["at_edge"]
    assert abs(float(document["bias"])) <= float(document["crps"]) / 2


def test_only_an_alliance_admin_records_settings_and_before_any_work(ctx: Context) -> None:
    viewer = Context(ctx.store, Actor("vera.viewer", Role.viewer))
    with pytest.raises(PermissionDenied):
        calibrate_and_apply(viewer, trials=10**9)  # refused before a single trial runs
    with pytest.raises(PermissionDenied):
        forecast_settings.reset(viewer)
