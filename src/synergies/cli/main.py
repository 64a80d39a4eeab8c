"""`synergies`: the command-line shell over the service layer."""

from __future__ import annotations

import sys

import click
import typer

from synergies.cli import (
    account_commands,
    audit_commands,
    forecast_commands,
    initiative_commands,
    ledger_commands,
    measure_commands,
    measurement_run_commands,
    report_commands,
    serve_commands,
    store_commands,
    structure_commands,
)
from synergies.cli.errors import report
from synergies.domain.errors import SynergiesError

app = typer.Typer(
    name="synergies",
    help="Plan, prove and forecast the synergies of a corporate alliance.\n\n"
    "Every command finds its store from --db URL, else $SYNERGIES_DB, else a SQLite file "
    "in the user's data directory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

for module in (
    store_commands,
    structure_commands,
    initiative_commands,
    ledger_commands,
    measure_commands,
    measurement_run_commands,
    report_commands,
    audit_commands,
    forecast_commands,
    account_commands,
    serve_commands,
):
    module.register(app)


def run() -> None:
    """Entry point: exit codes come from cli.errors, one line per error on stderr."""
    try:
        result = app(standalone_mode=False)
    except SynergiesError as error:
        sys.exit(report(error))
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
