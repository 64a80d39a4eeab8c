"""Fixtures for the forecast tests."""

from __future__ import annotations

import pytest
from forecast_helpers import alliance_portfolio

from synergies.forecasting import Portfolio


@pytest.fixture
def alliance() -> Portfolio:
    return alliance_portfolio()
