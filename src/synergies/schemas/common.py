"""Shapes many bodies share: money, codes, names, months."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from synergies.domain.calendar import Month
from synergies.domain.errors import InvalidInput
from synergies.domain.money import MINOR_UNITS, Money, currency_code, parse_decimal
from synergies.domain.partners import CODE_PATTERN, partner_code
from synergies.domain.text import clean_name

PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
RULE_BROKEN = "invalid_input"  # the pydantic error type of a domain rule's refusal

# What domain.text.clean_name refuses (categories Cc, Cf, Co, Zl, Zp of Python's Unicode
# database), as the body of a regex class: written out, since computing it means reading
# every code point, and start-up must stay fast (tests/api/test_names.py checks it is the
# same set). Planes 1-16 are the characters themselves, which Python, Rust and ECMA-262
# (u flag) regexes all read; no surrogate, as JSON text holds none alone.
REFUSED_CHARS = (
    r"\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ue000-\uf8ff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
# The white space str.strip() removes that REFUSED_CHARS leaves in: a name needs more.
BLANK_CHARS = r" \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
TEXT_PATTERN = "^[^" + REFUSED_CHARS + "]*$"
NAME_PATTERN = (
    "^[^" + REFUSED_CHARS + "]*[^" + REFUSED_CHARS + BLANK_CHARS + "][^" + REFUSED_CHARS + "]*$"
)
CURRENCIES = sorted(MINOR_UNITS)


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: `Day | None` hashes it
class Documented:
    """Adds keywords to a type's JSON schema: what a rule checked in code accepts."""

    keywords: Mapping[str, Any]

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(core_schema), **self.keywords}


_DIGITS = "[0-9]"
WHOLE_LIMIT = 2**53 - 1  # the largest whole number every JSON reader holds exactly


def decimal_schema(digits: int, places: int, sign: str = "any") -> WithJsonSchema:
    """A decimal in JSON schema: a string with at most `digits` digits before the point and
    `places` after it, or a whole number of at most `digits` digits; `sign` is "any",
    "positive", "negative" or "not negative". The server also takes a JSON fraction, which
    a binary float cannot always hold exactly (0.1 + 0.2): exact decimals are strings."""
    whole = f"(0|[1-9]{_DIGITS}{{0,{digits - 1}}})"
    fraction = f"(\\.{_DIGITS}{{1,{places}}})?" if places else ""
    largest = min(10**digits - 1, WHOLE_LIMIT)
    if sign in ("positive", "negative"):
        nonzero = f"[1-9]{_DIGITS}{{0,{digits - 1}}}{fraction}"
        if places:  # below one: its last digit is not 0
            nonzero = f"({nonzero}|0\\.{_DIGITS}{{0,{places - 1}}}[1-9])"
        mark = "\\+?" if sign == "positive" else "-"
        low, high = (1, largest) if sign == "positive" else (-largest, -1)
        return number_schema(f"^{mark}{nonzero}$", low, high)
    if sign == "not negative":
        return number_schema(f"^\\+?{whole}{fraction}$", 0, largest)
    return number_schema(f"^[+-]?{whole}{fraction}$", -largest, largest)


def number_schema(pattern: str, minimum: int, maximum: int) -> WithJsonSchema:
    """A decimal as a string matching `pattern`, or a whole number from minimum to maximum."""
    return WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": minimum, "maximum": maximum},
                   {"type": "string", "pattern": pattern}]}
    )  # fmt: skip


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


def _visible_name(text: str) -> str:
    """The name rule, and a name that is not only white space."""
    cleaned = clean_name(text, field="name")
    if not cleaned.strip():
        raise InvalidInput("the name is only white space", field="name", fix="type a name")
    return cleaned


_NAME_RULE = _cleaned_by(_visible_name)
_NOTE_RULE = _cleaned_by(lambda text: clean_name(text, field="note"))

Code = Annotated[
    str,
    StringConstraints(min_length=2, max_length=20, pattern=CODE_PATTERN),
    _cleaned_by(partner_code),  # upper-cased here, so no shell upper-cases codes itself
]
Key = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
# The name rule is checked in code, for its message and fix; the schema says it as a pattern.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    _NAME_RULE,
    Documented({"pattern": NAME_PATTERN}),
]
Note = Annotated[
    str, StringConstraints(max_length=2000), _NOTE_RULE, Documented({"pattern": TEXT_PATTERN})
]
# A note that must say something: a reversal's reason.
Reason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    _NAME_RULE,
    Documented({"pattern": NAME_PATTERN}),
]
Currency = Annotated[
    str,
    _ruled_by(currency_code),
    Documented({"enum": CURRENCIES, "description": "ISO 4217; lower case is taken too."}),
]
MonthText = Annotated[
    str,
    StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"),
    Field(examples=["2016-03"]),
    _ruled_by(Month.parse),
]
Year = Annotated[int, Field(ge=1900, le=2199)]
Day = Annotated[
    date,
    Field(ge=date(1900, 1, 1), le=date(2199, 12, 31)),
    Documented({"pattern": r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}),
]
AMOUNT_DIGITS, AMOUNT_PLACES = 14, 4  # storage.types.LIMIT: 99,999,999,999,999.9999
Amount = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=4, allow_inf_nan=False),
    _ruled_by(lambda text: parse_decimal(text, field="amount")),
    decimal_schema(AMOUNT_DIGITS, AMOUNT_PLACES),
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
