"""The one place that maps error types to exit codes."""

from __future__ import annotations

import sys

from rich.console import Console

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


def report(error: SynergiesError) -> int:
    """Print one clear line on stderr and return the exit code."""
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {error}", highlight=False)
    return exit_code(error)


def fail(error: SynergiesError) -> None:
    sys.exit(report(error))
