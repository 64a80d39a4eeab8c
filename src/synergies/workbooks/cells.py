"""One cell of a tracker workbook read as its column's kind, or refused with the fix.

Pure: a cell arrives as the value a spreadsheet reader gives (str, int, float, bool, date,
datetime or None) and leaves as the domain's value (Decimal, date, Month, ...). A float is an
Excel number: it becomes a Decimal through its shortest repr, and float noise is dropped only
where it is noise (1234.5600000000002 -> 1234.56), never a real digit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from synergies.domain.calendar import Month
from synergies.domain.errors import SynergiesError
from synergies.domain.money import parse_decimal
from synergies.workbooks.layout import Column, Kind

STORE_PLACES = 4  # the most decimal places the store keeps (storage/types.py)
NOISE_DIGITS = 15  # a double holds 15-17 significant digits; beyond 15 is representation noise
ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
_GROUPED = re.compile(r"^[+-]?\d{1,3}([,. \u00a0\u202f'])\d{3}(\1\d{3})*([.,]\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+\.\d+$")  # 1.234 is a decimal; 1.234.567 or 1.234,5 are not
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CellValue = str | int | float | bool | date | datetime | None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a workbook, where it is and what to do about it."""

    sheet: str
    row: int | None  # the Excel row number
    column: str | None  # the column's letter and header, e.g. "D (Amount)"
    value: str  # the value found, as text
    message: str
    fix: str


class CellRefused(SynergiesError):
    """A cell's value is not of its column's kind."""


def _refuse(message: str, fix: str) -> CellRefused:
    return CellRefused(message, fix=fix)


def is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def shown(value: CellValue) -> str:
    """The value as a problem report shows it."""
    return "" if value is None else _text(value) if not isinstance(value, str) else value


def decimal_of(value: CellValue, places: int = STORE_PLACES) -> Decimal:
    """A number cell or plain ASCII decimal text, to at most `places` decimals."""
    if isinstance(value, bool | datetime | date):
        raise _refuse(f"{shown(value)!r} is not a number", "type it as a number")
    if isinstance(value, float):
        number = _denoised(value)
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        number = _parsed(str(value).strip())
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise _refuse(
            f"{shown(value)} has more than {places} decimal places",
            f"round it to {places} places or fewer",
        )
    return number


def _denoised(value: float) -> Decimal:
    if not math.isfinite(value):
        raise _refuse(f"{value!r} is not a finite number", "type it as a number")
    number = Decimal(format(value, f".{NOISE_DIGITS}g"))
    exponent = number.as_tuple().exponent
    return number.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else number


def _parsed(text: str) -> Decimal:
    if _GROUPED.match(text) and not _PLAIN.match(text):
        raise _refuse(
            f"{text!r} has thousands separators",
            "type it as a number (no thousands separators), e.g. 1234567.89",
        )
    try:
        return parse_decimal(text, field="amount")
    except SynergiesError as refused:
        raise _refuse(refused.message, "type it as a number, e.g. 1234567.89") from None


def date_of(value: CellValue) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _refuse(
        f"{text!r} is not a date (text like 03/04/2016 is ambiguous)",
        "type it as a date cell, or as text YYYY-MM-DD",
    )


def month_of(value: CellValue) -> Month:
    if isinstance(value, datetime | date):
        return Month(value.year, value.month)
    text = _text(value)
    try:
        return Month.parse(text)
    except SynergiesError:
        raise _refuse(
            f"{text!r} is not a month", "type it as a date cell, or as text YYYY-MM"
        ) from None


def integer_of(value: CellValue) -> int:
    number = decimal_of(value)
    if number != number.to_integral_value():
        raise _refuse(f"{shown(value)} is not a whole number", "type a whole number")
    return int(number)


def fraction_of(value: CellValue) -> Decimal:
    number = decimal_of(value)
    if not Decimal(0) <= number <= Decimal(1):
        raise _refuse(f"{shown(value)} is not between 0 and 1", "type a fraction such as 0.6")
    return number


def code_of(value: CellValue) -> str:
    text = _text(value)
    if not _CODE.match(text):
        raise _refuse(f"{text!r} is not a code", "use letters, digits, '-' and '_' only")
    return text.upper()


def weights_of(value: CellValue) -> tuple[tuple[str, Decimal], ...]:
    pairs: list[tuple[str, Decimal]] = []
    for chunk in filter(None, (c.strip() for c in _text(value).split(","))):
        partner, sep, weight = chunk.partition("=")
        if not sep or not partner.strip():
            raise _refuse(f"{chunk!r} is not PARTNER=SHARE", "write RENAULT=60, NISSAN=40")
        pairs.append((code_of(partner), decimal_of(weight.strip())))
    if not pairs:
        raise _refuse("no partners given", "write RENAULT=60, NISSAN=40")
    return tuple(pairs)


def read_cell(column: Column, value: CellValue) -> object:
    """The cell as its column's kind (a choice or key as stripped text); raise CellRefused."""
    if column.kind in (Kind.amount,):
        return decimal_of(value)
    readers = {
        Kind.date: date_of, Kind.month: month_of, Kind.integer: integer_of,
        Kind.fraction: fraction_of, Kind.code: code_of, Kind.weights: weights_of,
    }  # fmt: skip
    reader = readers.get(column.kind)
    return reader(value) if reader else _text(value)
