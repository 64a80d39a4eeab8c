"""A data sheet's rows as SpreadsheetML, streamed: a million ledger rows in seconds.

openpyxl builds an object per cell (about 90 s for a million-row ledger); these rows are
plain strings in the same form it writes (inline strings, numbers as exact decimal text),
spliced into the sheet it wrote (writer.py). Text that a spreadsheet would run as a formula
is never written as one: it is an inline string with the quote-prefix style, so Excel and
LibreOffice show it as the text it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from synergies.workbooks.layout import FORMULA_STARTS, Kind, Sheet

EPOCH = date(1899, 12, 30)  # Excel's day 0 in the 1900 date system (its 1900 leap bug included)
# Characters XML 1.0 cannot hold: dropped (a spreadsheet could not show them either).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32_767  # the most characters a cell holds
_ENTITIES = {"\r": "&#13;"}  # a parser reads a bare carriage return as a line feed


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text)[:_MAX_TEXT]


@dataclass(frozen=True, slots=True)
class Styles:
    """The style ids (registered with the workbook by writer.py) that row cells carry."""

    quoted: int  # text shown as text: the quote prefix
    date: int
    month: int
    integer: int
    fraction: int
    rate: int  # an FX rate
    amount: int  # an amount of no known currency
    amounts: dict[str, int]  # per currency: #,##0.00 "EUR", #,##0 "JPY"


def _text_cell(ref: str, text: str, styles: Styles) -> str:
    text = clean_text(text)
    if not text:
        return ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    style = f' s="{styles.quoted}"' if is_formula_like(text) else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{escape(text, _ENTITIES)}</t></is></c>'


def _number_cell(ref: str, number: Decimal | int, style: int) -> str:
    shown = format(number, "f") if isinstance(number, Decimal) else str(number)
    return f'<c r="{ref}" s="{style}"><v>{shown}</v></c>'


class RowWriter:
    """Turns a sheet's rows (one value per layout column) into `<row>` elements."""

    def __init__(self, sheet: Sheet, styles: Styles) -> None:
        self.styles = styles
        self.letters = [column_letter(n + 1) for n in range(len(sheet.columns))]
        self.kinds = [c.kind for c in sheet.columns]
        self.fields = [c.field for c in sheet.columns]
        names = {c.field: n for n, c in enumerate(sheet.columns)}
        self.currency_at = names.get("currency")
        self.rate_at = names.get("per_eur")

    def rows(self, rows: Iterable[Sequence[object]], first: int = 2) -> Iterator[str]:
        for number, values in enumerate(rows, first):
            yield self.row(number, values)

    def row(self, number: int, values: Sequence[object]) -> str:
        currency = values[self.currency_at] if self.currency_at is not None else None
        cells = "".join(
            self._cell(f"{letter}{number}", position, value, currency)
            for position, (letter, value) in enumerate(zip(self.letters, values, strict=True))
            if value is not None
        )
        return f'<row r="{number}">{cells}</row>'

    def _cell(self, ref: str, position: int, value: object, currency: object) -> str:
        kind = self.kinds[position]
        if isinstance(value, bool):
            return _text_cell(ref, "yes" if value else "no", self.styles)
        if isinstance(value, date):
            serial = (value - EPOCH).days
            style = self.styles.month if kind is Kind.month else self.styles.date
            return f'<c r="{ref}" s="{style}"><v>{serial}</v></c>'
        if isinstance(value, Decimal | int):
            return _number_cell(ref, value, self._number_style(position, kind, currency))
        return _text_cell(ref, str(value), self.styles)

    def _number_style(self, position: int, kind: Kind, currency: object) -> int:
        if kind is Kind.integer:
            return self.styles.integer
        if kind is Kind.fraction:
            return self.styles.fraction
        if position == self.rate_at:
            return self.styles.rate
        return self.styles.amounts.get(str(currency), self.styles.amount)
