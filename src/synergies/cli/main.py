"""`synergies`: the command-line shell over the service layer.

The command tree is lazy: the root knows each command's name, module and one-line help, and
imports a module only when one of its commands runs (or shows its own --help). So
`synergies --help` starts without loading the store, the API server or the analytics engines.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache

import typer
import typer.main
from typer import _click
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer._click.shell_completion import CompletionItem
from typer.core import TyperCommand, TyperGroup

from synergies.cli.errors import report, usage_line, with_suggestion
from synergies.domain.errors import SynergiesError


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a command lives and what the root --help says of it."""

    module: str
    summary: str


# Root --help shows them in this order. tests/cli/test_documented.py checks each summary
# against the loaded command's own help, so the two cannot drift apart.
COMMANDS: dict[str, Entry] = {
    "init": Entry("store_commands", "Create an empty alliance store with the newest schema."),
    "demo": Entry(
        "store_commands",
        "Load the example alliance (Renault-Nissan, March 2016) into the store, once.",
    ),
    "functions": Entry(
        "structure_commands",
        "The convergence map: each function's stage, since when, and its alliance executive.",
    ),
    "agreements": Entry(
        "structure_commands", "List agreements with their dated scope clauses and amendments."
    ),
    "scope": Entry(
        "structure_commands",
        "Is an activity inside an agreement's scope on a date, and which clause decides?",
    ),
    "initiatives": Entry(
        "initiative_commands", "List initiatives (stage L0 idea ... L5 realized)."
    ),
    "measure": Entry(
        "measure_commands",
        "Prove purchasing savings from a source's purchase lines (no store needed).",
    ),
    "measurements": Entry(
        "measurement_run_commands", "Measurement runs posted to the ledger, oldest first."
    ),
    "report": Entry(
        "report_commands",
        "Realized synergies by year against the targets, the gap and the growth it needs.",
    ),
    "forecast": Entry(
        "forecast_commands",
        "Monte Carlo forecast to the target year: P10/P50/P90, odds of each target, drivers.",
    ),
    "payback": Entry(
        "forecast_commands",
        "One-off costs against cumulative savings on the plan, and the payback month.",
    ),
    "boardpack": Entry(
        "boardpack_commands",
        "Write the board pack: the year's synergy statement as PDF or HTML, with verification.",
    ),
    "serve": Entry(
        "serve_commands",
        "Serve the web dashboard (at /) and the REST API (OpenAPI at /openapi.json, docs at /docs).",
    ),
    "db": Entry("store_commands", "Manage the store's schema (Alembic migrations)."),
    "partners": Entry(
        "structure_commands", "Partners of the alliance and parties to its agreements."
    ),
    "ownership": Entry("structure_commands", "Direct and look-through ownership between partners."),
    "org": Entry(
        "structure_commands", "The organisation: people and reporting lines (joint lines too)."
    ),
    "initiative": Entry(
        "initiative_commands",
        "One initiative: create, set figures, approve, lock, advance, sign off.",
    ),
    "ledger": Entry("ledger_commands", "The savings ledger (append-only)."),
    "generate": Entry("measure_commands", "Write synthetic sources."),
    "measurement": Entry(
        "measurement_run_commands", "A posted measurement run: lineage and detail."
    ),
    "audit": Entry("audit_commands", "The append-only, hash-chained audit trail."),
    "plan": Entry(
        "forecast_commands", "Locked plans: freeze the approved plan, compare against it."
    ),
    "whatif": Entry(
        "forecast_commands", "Hypothetical moves, never written to the plan or ledger."
    ),
    "template": Entry(
        "export_commands", "Write the tracker workbook template: one sheet per kind, with lists."
    ),
    "export": Entry(
        "export_commands", "Write the store's data as a tracker workbook, CSV or JSON."
    ),
    "import": Entry(
        "import_commands", "Import a tracker workbook: all checked first, then all or nothing."
    ),
    "user": Entry("account_commands", "User accounts: who may sign in, with which role."),
    "token": Entry("account_commands", "Bearer API tokens for scripts."),
    "alerts": Entry("alert_commands", "Alerts: what fires now, when the programme slips."),
}

HELP = (
    "Plan, prove and forecast the synergies of a corporate alliance.\n\n"
    "Every command finds its store from --db URL, else $SYNERGIES_DB, else the db named in "
    "a .synergies.toml in this folder or a parent (make demo writes one), else a SQLite file "
    "in the user's data directory."
)


@cache
def _module_commands(module: str) -> dict[str, _click.Command]:
    """The click commands a command module registers (each module keeps its `register`)."""
    loaded = importlib.import_module(f"synergies.cli.{module}")
    holder = typer.Typer(rich_markup_mode="rich")
    loaded.register(holder)
    return dict(typer.main.get_group(holder).commands)


def load(name: str) -> _click.Command:
    """The command called `name`, importing its module (KeyError if there is none)."""
    return _module_commands(COMMANDS[name].module)[name]


class Registry(MutableMapping[str, _click.Command]):
    """The root's commands by name; looking one up imports its module, listing imports none."""

    def __getitem__(self, name: str) -> _click.Command:
        return load(name)

    def __setitem__(self, name: str, command: _click.Command) -> None:
        raise TypeError(f"add {name!r} to COMMANDS in synergies.cli.main")

    def __delitem__(self, name: str) -> None:
        raise TypeError(f"remove {name!r} from COMMANDS in synergies.cli.main")

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The root group over the Registry; its --help and completion import no command."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            # difflib alone misses transpositions such as 'exprot' for 'report'.
            if args:
                error.message = with_suggestion(error.message, args[0], list(COMMANDS))
            raise

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        from typer import rich_utils

        rich_utils.rich_format_help(obj=self._listing(), ctx=ctx, markup_mode="rich")

    def shell_complete(self, ctx: _click.Context, incomplete: str) -> list[CompletionItem]:
        names = [
            CompletionItem(name, help=entry.summary)
            for name, entry in COMMANDS.items()
            if name.startswith(incomplete)
        ]
        return names + _click.Command.shell_complete(self, ctx, incomplete)

    def _listing(self) -> TyperGroup:
        """A stand-in for the help page: the same options, each command by its summary only."""
        stubs: dict[str, _click.Command] = {
            n: TyperCommand(n, short_help=e.summary) for n, e in COMMANDS.items()
        }
        return TyperGroup(
            name=self.name, commands=stubs, params=self.params, help=self.help,
            rich_markup_mode="rich",
        )  # fmt: skip


def _root() -> LazyGroup:
    group = LazyGroup(
        name="synergies",
        help=HELP,
        no_args_is_help=True,
        suggest_commands=False,  # resolve_command suggests, transpositions included
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    group.commands = Registry()
    group.params.extend(typer.main.get_install_completion_arguments())
    return group


app = _root()


def running_command(args: Sequence[str]) -> _click.Command:
    """The command `args` name (the deepest sub-command), parsed again without side effects.

    Click has left every context by the time an error reaches run(), so the arguments are
    walked again the way Click's own shell completion walks them.
    """
    command: _click.Command = app
    try:
        ctx = app.make_context("synergies", list(args), resilient_parsing=True)
        rest = [*ctx._protected_args, *ctx.args]
        while rest and isinstance(ctx.command, TyperGroup):
            name, sub, rest = ctx.command.resolve_command(ctx, rest)
            if sub is None or name is None:
                break
            command = sub
            ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=True)
            rest = [*ctx._protected_args, *ctx.args]
    except _click.ClickException:
        pass
    return command


def run() -> None:
    """Entry point: exit codes come from cli.errors, one line per error on stderr."""
    args = sys.argv[1:]
    try:
        result = app.main(args, prog_name="synergies", standalone_mode=False)
    except SynergiesError as error:
        sys.exit(report(error, running_command(args)))
    except typer.Abort:
        sys.exit(130)
    except NoArgsIsHelpError as error:
        # Rich has printed the help while the error was made; plain help comes as its text.
        if error.message.strip():
            sys.stdout.write(error.message + "\n")
        sys.exit(error.exit_code)
    except _click.ClickException as error:
        sys.stderr.write(usage_line(error) + "\n")
        sys.exit(error.exit_code)
    sys.exit(result if isinstance(result, int) else 0)
