"""The one place that maps errors to exit codes and to the command line's own words."""

from __future__ import annotations

from difflib import SequenceMatcher

from rich.console import Console
from rich.markup import escape
from typer import _click
from typer._click.exceptions import NoSuchOption, UsageError
from typer.core import TyperArgument, TyperOption

from synergies.domain.errors import (
    Conflict,
    GateRefused,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SynergiesError,
)

EXIT_CODES: dict[type[SynergiesError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    GateRefused: 4,
    Conflict: 5,
    PermissionDenied: 6,
    NotAuthenticated: 7,
}


def exit_code(error: SynergiesError) -> int:
    for kind in type(error).__mro__:
        if kind in EXIT_CODES:
            return EXIT_CODES[kind]
    return 1


def cli_field(field: str, command: _click.Command) -> str:
    """The command's own name for a neutral field: `fiscal_year_of` -> `--fiscal-year-of`.

    An option shows its long flag, an argument its metavar (`HOLDER`); a field the command
    has no parameter for (`audit`, `partner` of a stored row) is shown as it is.
    """
    for param in command.params:
        if param.name != field:
            continue
        if isinstance(param, TyperOption):
            return next((o for o in param.opts if o.startswith("--")), param.opts[0])
        if isinstance(param, TyperArgument):
            return param.metavar or field.upper()
    return field


def message(error: SynergiesError, command: _click.Command | None = None) -> str:
    field = cli_field(error.field, command) if error.field and command else error.field
    where = f"{field}: " if field else ""
    remedy = f" ({error.fix})" if error.fix else ""
    return f"{where}{error.message}{remedy}"


def report(error: SynergiesError, command: _click.Command | None = None) -> int:
    """Print one clear line on stderr, in the running command's words; return the exit code."""
    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message(error, command))}", highlight=False
    )
    return exit_code(error)


def closest(typo: str, names: list[str], most: int = 2) -> list[str]:
    """The names nearest a mistyped one, best first: a letter swapped, missing or extra."""

    def score(name: str) -> float:
        return max(SequenceMatcher(None, typo, name).ratio(),
                   SequenceMatcher(None, name, typo).ratio())  # fmt: skip

    ranked = sorted(names, key=score, reverse=True)
    best = score(ranked[0]) if ranked else 0.0
    # Only the names about as near as the nearest: '--year' for '--yeer', not '--by' too.
    return [n for n in ranked if score(n) >= max(0.6, best - 0.1)][:most]


def with_suggestion(text: str, typo: str, names: list[str]) -> str:
    near = closest(typo, names)
    if not near:
        return text
    return f"{text.rstrip('.')}. Did you mean {' or '.join(repr(n) for n in near)}?"


def usage_line(error: _click.ClickException) -> str:
    """A mistyped command or option as one line, with the nearest names and where help is."""
    text = error.format_message()
    if isinstance(error, NoSuchOption) and error.ctx is not None:
        options = [o for p in error.ctx.command.params for o in getattr(p, "opts", [])]
        text = with_suggestion(error.message, error.option_name, options)
    if isinstance(error, UsageError) and error.ctx is not None:
        text += f" (see: {error.ctx.command_path} --help)"
    return f"error: {text}"
