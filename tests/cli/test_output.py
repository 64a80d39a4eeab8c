"""CSV as every command and export writes it: text that a spreadsheet would run is defused."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

import pytest

from synergies.cli.output import print_csv
from synergies.csv_writer import csv_text
from synergies.domain.percent import percent

HOSTILE = {
    "partner": '=HYPERLINK("http://x")',
    "reason": "-1+2",
    "note": "@SUM(A1)",
    "plus": "+33 1 23 45",
    "tab": "\t=1",
    "amount": Decimal("-1250.50"),
    "count": -3,
    "name": "RENAULT",
    "empty": None,
}


def _cells(text: str) -> dict[str, str]:
    (row,) = list(csv.DictReader(io.StringIO(text)))
    return row


def test_text_that_starts_a_formula_is_written_as_text() -> None:
    cells = _cells(csv_text([HOSTILE]))
    assert cells["partner"] == '\'=HYPERLINK("http://x")'
    assert cells["reason"] == "'-1+2"
    assert cells["note"] == "'@SUM(A1)"
    assert cells["plus"] == "'+33 1 23 45"
    assert cells["tab"] == "'\t=1"


def test_numbers_stay_numbers_negative_ones_too() -> None:
    cells = _cells(csv_text([HOSTILE]))
    assert cells["amount"] == "-1250.50" and cells["count"] == "-3"
    assert cells["name"] == "RENAULT" and cells["empty"] == ""


def test_the_command_line_writes_its_csv_with_the_same_writer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_csv([HOSTILE])
    assert capsys.readouterr().out == csv_text([HOSTILE])


def test_no_rows_write_nothing() -> None:
    assert csv_text([]) == ""


@pytest.mark.parametrize(
    ("share", "places", "shown"),
    [
        (Fraction(1, 3), 4, Decimal("33.3333")),
        (Fraction(434, 1000), 4, Decimal("43.4000")),
        (Decimal("0.085504"), 1, Decimal("8.6")),
        (Decimal("0.00125"), 2, Decimal("0.12")),  # half-even: a tie goes to the even digit
        (Decimal("0.4725"), 0, Decimal("47")),
        (Decimal(1), 0, Decimal("100")),
    ],
)
def test_one_percentage_rule(share: Fraction | Decimal, places: int, shown: Decimal) -> None:
    assert percent(share, places) == shown
    assert str(percent(share, places)) == str(shown)
