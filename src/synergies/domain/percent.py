"""Shares of a whole as people read them: one rounding rule for every report and export."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

PLACES = 4  # 0.0001%: finer than any stake or split the alliance publishes


def percent(share: Fraction | Decimal, places: int = PLACES) -> Decimal:
    """`share` of 1 as a percentage, rounded half-even to `places` decimals; exact from a
    Fraction (no float on the way)."""
    if isinstance(share, Fraction):
        hundredfold = Decimal(share.numerator) * 100 / Decimal(share.denominator)
    else:
        hundredfold = share * 100
    return hundredfold.quantize(Decimal(1).scaleb(-places))
