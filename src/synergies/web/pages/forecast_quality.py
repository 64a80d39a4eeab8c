"""Forecast quality: the backtest's fan chart, PIT histogram and scores.

Every figure is `BacktestOut` of the backtest service at the API's defaults (as
`/forecast/backtest` gives it); the page only lays it out. The service keeps its result until
the data changes, so a page view does not rerun the trials.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from synergies.schemas.backtest import BacktestOut, PointOut
from synergies.services import backtest
from synergies.web.session import ViewerDep
from synergies.web.templating import render

router = APIRouter(include_in_schema=False)
HorizonQuery = Annotated[int, Query(ge=1, le=3)]


class FanChart(BaseModel):
    """One horizon's forecasts in turn: each as-of year's bands and what was realized."""

    horizon: int
    points: list[PointOut]


class PitChart(BaseModel):
    bins: list[str]
    counts: list[int] | None


@router.get("/web/forecast-quality")
def forecast_quality(
    request: Request, viewer: ViewerDep, horizon: HorizonQuery = 1
) -> HTMLResponse:
    document = BacktestOut.of(backtest.run_backtest(viewer.ctx))
    chosen = [p for p in document.points if p.horizon == horizon]
    overall = document.scores[-1]
    return render(
        request, "forecast_quality.html", viewer, title="Forecast quality",
        json_links=(("Backtest", "/forecast/backtest"),),
        backtest=document, horizon=horizon, horizons=list(range(1, document.span.horizons + 1)),
        fan=FanChart(horizon=horizon, points=chosen),
        pit=PitChart(bins=[f"{k / 5:.1f}–{(k + 1) / 5:.1f}" for k in range(5)],
                     counts=overall.pit_histogram),
        score_rows=_score_rows(document),
    )  # fmt: skip


def _score_rows(document: BacktestOut) -> list[tuple[str, list[str], str]]:
    names = [s.name for s in document.scores[-1].scores]
    return [
        (name, [g.scores[i].shown for g in document.scores], document.scores[-1].scores[i].meaning)
        for i, name in enumerate(names)
    ]
