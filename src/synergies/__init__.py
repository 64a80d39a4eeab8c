"""synergies: plan, prove and forecast the savings of a corporate alliance."""

__version__ = "0.1.0"
