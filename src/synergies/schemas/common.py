"""Shapes many bodies share: money, codes, names, months."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.money import Money, currency_code, parse_decimal
from synergies.domain.partners import CODE_PATTERN, partner_code
from synergies.domain.text import clean_name

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
RULE_BROKEN = "invalid_input"  # the pydantic error type of a domain rule's refusal


def _cleaned_by(clean: Callable[[str], str]) -> BeforeValidator:
    """Normalise text with the domain's own rule, refusing what it refuses."""

    def validate(value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return clean(value)
        except InvalidInput as refusal:
            raise PydanticCustomError(
                RULE_BROKEN, "{message} ({fix})", {"message": refusal.message,
                                                  "fix": refusal.fix or ""},
            ) from None  # fmt: skip

    return BeforeValidator(validate)


def _ruled_by(check: Callable[[str], object]) -> BeforeValidator:
    """Check text with the domain's own parser, so every shell gives its words and its fix."""

    def keep(text: str) -> str:
        check(text)
        return text

    return _cleaned_by(keep)


_NAME_RULE = _cleaned_by(lambda text: clean_name(text, field="name"))

Code = Annotated[
    str,
    StringConstraints(min_length=2, max_length=20, pattern=CODE_PATTERN),
    _cleaned_by(partner_code),  # upper-cased here, so no shell upper-cases codes itself
]
Key = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=PRINTABLE), _NAME_RULE
]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=PRINTABLE), _NAME_RULE]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), _ruled_by(currency_code)]
MonthText = Annotated[
    str,
    StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"),
    Field(examples=["2016-03"]),
    _ruled_by(Month.parse),
]
Year = Annotated[int, Field(ge=1900, le=2199)]
Amount = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=4, allow_inf_nan=False),
    _ruled_by(lambda text: parse_decimal(text, field="amount")),
]


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


Model = TypeVar("Model", bound=BaseModel)


def parsed(model: type[Model], values: Mapping[str, object]) -> Model:
    """`values` as `model`, for a shell that gathers them itself (the CLI's options); a refusal
    is an InvalidInput naming the first bad field, as the service layer would."""
    try:
        return model.model_validate(values)
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        field = str(first["loc"][-1]) if first["loc"] else None
        if first["type"] == RULE_BROKEN:
            ctx = first.get("ctx") or {}
            raise InvalidInput(
                str(ctx["message"]), field=field, fix=str(ctx["fix"]) or None
            ) from None
        raise InvalidInput(f"{first['input']!r}: {first['msg']}", field=field) from None
