"""How figures read on a page. Exact values stay in `data-value` attributes and tables."""

from __future__ import annotations

from decimal import Decimal

from synergies.domain.money import MINOR_UNITS
from synergies.schemas.common import MoneyOut


def _amount(value: MoneyOut | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.amount if isinstance(value, MoneyOut) else value


def millions(value: MoneyOut | Decimal | None, currency: str | None = None) -> str:
    """4,315.4 m EUR: what a board reads; the exact amount is in the table beside it."""
    amount = _amount(value)
    if amount is None:
        return "–"
    code = currency or (value.currency if isinstance(value, MoneyOut) else "")
    return f"{amount / 1_000_000:,.1f} m {code}".rstrip()


def signed_millions(value: MoneyOut | Decimal | None, currency: str | None = None) -> str:
    """+22.8 m EUR, -803.0 m EUR: a change, with its sign always shown."""
    amount = _amount(value)
    if amount is None:
        return "–"
    code = currency or (value.currency if isinstance(value, MoneyOut) else "")
    return f"{amount / 1_000_000:+,.1f} m {code}".rstrip()


def exact(value: MoneyOut | Decimal | None, currency: str | None = None) -> str:
    """The amount to its currency's minor unit (cents; whole yen), with thousands
    separators; a bare Decimal without a currency to the cent."""
    amount = _amount(value)
    if amount is None:
        return "–"
    code = currency or (value.currency if isinstance(value, MoneyOut) else None)
    places = MINOR_UNITS.get(code, 2) if code else 2
    return f"{amount:,.{places}f}"


def plain(value: MoneyOut | Decimal | None) -> str:
    """The amount as the JSON gives it (for data attributes and charts)."""
    amount = _amount(value)
    return "" if amount is None else str(amount)


def percent(value: Decimal | float | None, places: int = 1) -> str:
    """A percentage given in percent (the report's shares): 22.7%."""
    return "–" if value is None else f"{Decimal(str(value)):,.{places}f}%"


def fraction(value: Decimal | float | None, places: int = 1) -> str:
    """A fraction of 1 as a percentage (probabilities, growth): 0.6705 → 67.1%."""
    return "–" if value is None else f"{Decimal(str(value)) * 100:,.{places}f}%"


FILTERS = {
    "millions": millions,
    "signed_millions": signed_millions,
    "exact": exact,
    "plain": plain,
    "percent": percent,
    "fraction": fraction,
}
