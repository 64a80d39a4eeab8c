"""Shapes many bodies share: money, codes, names, months."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from synergies.domain.calendar import Month
from synergies.domain.money import Money

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"

Code = Annotated[
    str, StringConstraints(min_length=2, max_length=20, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
]
Key = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE)]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=PRINTABLE)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]
MonthText = Annotated[
    str,
    StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"),
    Field(examples=["2016-03"]),
]
Year = Annotated[int, Field(ge=1900, le=2199)]
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=4, allow_inf_nan=False)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoneyIn(Body):
    amount: Amount
    currency: Currency = "EUR"

    def to_domain(self) -> Money:
        return Money.of(self.amount, self.currency)


class MoneyOut(BaseModel):
    amount: Decimal = Field(description="Exact decimal, rounded to the currency's minor unit.")
    currency: str

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        rounded = money.rounded()
        return cls(amount=rounded.amount, currency=rounded.currency)


def month(text: str, field: str = "period") -> Month:
    return Month.parse(text, field=field)
