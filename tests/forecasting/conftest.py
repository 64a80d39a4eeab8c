"""Fixtures for the forecast tests."""

from __future__ import annotations

import pytest

from synergies.forecasting import Portfolio
from tests.forecasting.forecast_helpers import alliance_portfolio


@pytest.fixture
def alliance() -> Portfolio:
    return alliance_portfolio()
