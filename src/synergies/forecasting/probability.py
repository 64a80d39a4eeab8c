"""Each initiative's risk parameters, from its stage gate, side status and overrides."""

from __future__ import annotations

from synergies.forecasting.inputs import ForecastInitiative
from synergies.forecasting.settings import AT_RISK_FACTOR, ForecastSettings, Slippage


def delivery_probability(item: ForecastInitiative, settings: ForecastSettings) -> float:
    """P(the initiative delivers): override, else stage default halved when at risk."""
    if item.side_status == "cancelled":
        return 0.0
    if item.probability is not None:
        return item.probability
    base = settings.probability[item.stage]
    return base * AT_RISK_FACTOR if item.side_status == "at_risk" else base


def magnitude_sigma(item: ForecastInitiative, settings: ForecastSettings) -> float:
    """Lognormal sigma of the delivered run-rate around the plan."""
    return item.sigma if item.sigma is not None else settings.sigma[item.stage]


def hold_delay(item: ForecastInitiative, settings: ForecastSettings) -> int:
    """Months an on-hold initiative's start is pushed back before any slippage."""
    return settings.on_hold_delay_months if item.side_status == "on_hold" else 0


def slippage(item: ForecastInitiative, settings: ForecastSettings) -> Slippage:
    return settings.slippage[item.stage]
