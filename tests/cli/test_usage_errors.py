"""A mistyped command or option: one line with the nearest names, no traceback, exit 2."""

from __future__ import annotations

import pytest

from synergies.cli.errors import cli_field, message
from synergies.cli.main import load
from synergies.domain.errors import InvalidInput
from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["exprot"], "No such command 'exprot'. Did you mean 'export'? (see: synergies --help)"),
        (["reprot", "--year", "2015"], "Did you mean 'report'?"),
        (["intiative", "add"], "Did you mean 'initiative' or 'initiatives'?"),
        (["initiative", "advnce", "PUR-001"], "No such command 'advnce'. Did you mean 'advance'?"),
        (["db", "upgrad"], "Did you mean 'upgrade'?"),
        (["report", "--yeer", "2015"],
         "No such option: --yeer. Did you mean '--year'? (see: synergies report --help)"),
        (["ledger", "add", "--partnr", "RENAULT"], "Did you mean '--partner'?"),
        (["org", "--persn", "Redzic"], "Did you mean '--person'?"),
        (["report", "--year", "twenty"], "Invalid value for '--year'"),
        (["report", "--by", "country"], "Invalid value for '--by'"),
        (["scope", "DAIMLER"], "Missing argument"),
        (["xyzzy"], "No such command 'xyzzy'. (see: synergies --help)"),
    ],
)  # fmt: skip
def test_a_typo_gets_one_line_and_exit_2(cli: Invoke, args: list[str], says: str) -> None:
    result = cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and says in lines[0]
    assert "Traceback" not in result.err and result.out == ""


def test_no_command_shows_the_help(cli: Invoke) -> None:
    result = cli()
    assert result.code == 2 and "Commands" in result.out and "report" in result.out


def test_a_neutral_field_is_named_as_the_running_command_spells_it() -> None:
    report, holding = load("report"), load("ownership").commands["add"]  # type: ignore[attr-defined]
    assert cli_field("fiscal_year_of", report) == "--fiscal-year-of"
    assert cli_field("db", report) == "--db"
    assert cli_field("fmt", report) == "--format"
    assert cli_field("holder", holding) == "HOLDER"
    assert cli_field("pct", holding) == "PERCENT"
    assert cli_field("audit", report) == "audit"  # no such parameter: shown as it is
    error = InvalidInput("'EURO' is not a currency", field="currency", fix="use ISO 4217")
    assert message(error, report) == "--currency: 'EURO' is not a currency (use ISO 4217)"
    assert message(error) == "currency: 'EURO' is not a currency (use ISO 4217)"


def test_an_inner_error_names_the_commands_option(cli: Invoke, db: str) -> None:
    result = cli("report", "--fiscal-year-of", "PEUGEOT")
    assert result.code == 3
    assert result.err.startswith("error: --fiscal-year-of: ")
    bad_url = cli("report", "--db", "not a url")
    assert bad_url.code == 2 and bad_url.err.startswith("error: --db: 'not a url' is not a")
