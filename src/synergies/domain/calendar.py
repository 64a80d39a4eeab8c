"""Months, fiscal calendars and the dates users type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from synergies.domain.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, the ledger's period and the FX table's key."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise InvalidInput(f"month {self.month} is not 1-12", field="period", fix="use YYYY-MM")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str, *, field: str = "period") -> Month:
        match = _MONTH.match(text.strip())
        if not match:
            raise InvalidInput(f"{text!r} is not a month", field=field, fix="write it as YYYY-MM")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise InvalidInput(f"{text!r} has no month {month}", field=field, fix="use 01-12")
        return cls(year, month)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def months_until(self, other: Month) -> int:
        """How many months from self to other (negative if other is earlier)."""
        return (other.year - self.year) * 12 + other.month - self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_date(text: str, *, field: str = "date") -> date:
    """Parse an ISO date (YYYY-MM-DD) or refuse naming the field."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date", field=field, fix="write it as YYYY-MM-DD"
        ) from None


@dataclass(frozen=True, slots=True)
class FiscalCalendar:
    """A fiscal year starting on the first day of `start_month`.

    The year is labelled by the calendar year it starts in, as Nissan does: FY2015 runs from
    1 April 2015 to 31 March 2016. A calendar-year company has start_month 1.
    """

    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise InvalidInput(
                f"fiscal year start month {self.start_month} is not 1-12",
                field="fiscal_year_start",
                fix="give the month the fiscal year starts in, 1-12",
            )

    def year_of(self, month: Month) -> int:
        return month.year if month.month >= self.start_month else month.year - 1

    def label(self, year: int) -> str:
        if self.start_month == 1:
            return str(year)
        return f"FY{year}"

    def months(self, year: int) -> list[Month]:
        first = Month(year, self.start_month)
        return [first.plus(i) for i in range(12)]


CALENDAR_YEAR = FiscalCalendar(1)
