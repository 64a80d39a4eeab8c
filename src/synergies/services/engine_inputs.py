"""An initiative's figures as the forecast engine takes them: EUR, with its stage and status.

Apart from services/forecasts.py so that the initiative status (which sets realized savings
against the same plan in EUR) and the forecast (which reads that status) share it."""

from __future__ import annotations

from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.fx import FxTable
from synergies.domain.initiatives import Initiative, PlanFigures, SideStatus
from synergies.domain.money import Money
from synergies.forecasting import ForecastInitiative
from synergies.forecasting.inputs import SideStatus as EngineStatus


def to_eur(fx: FxTable, money: Money, month: Month) -> Decimal:
    """Plans lie partly in the future: convert by the FX table's rule for planned amounts."""
    if money.currency == "EUR":
        return money.rounded().amount
    return fx.convert_planned(money, "EUR", month).result.rounded().amount


def as_engine_input(i: Initiative, figures: PlanFigures, fx: FxTable) -> ForecastInitiative:
    """An initiative as the engine sees it, with its whole plan (for payback)."""
    return ForecastInitiative(
        id=i.id,
        function=i.function,
        stage=i.stage.value,
        side_status=ENGINE_STATUS[i.side_status],
        run_rate=to_eur(fx, figures.run_rate, figures.start),
        start=figures.start,
        ramp_months=figures.ramp_months,
        one_off_cost=to_eur(fx, figures.one_off_costs, figures.start),
        probability=float(i.probability) if i.probability is not None else None,
        illustrative=i.illustrative,
    )


ENGINE_STATUS: dict[SideStatus | None, EngineStatus | None] = {
    None: None,
    SideStatus.at_risk: "at_risk",
    SideStatus.on_hold: "on_hold",
    SideStatus.cancelled: "cancelled",
}
