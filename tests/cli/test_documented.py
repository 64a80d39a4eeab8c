"""Every command and every option has help text: a user can find their way with --help."""

from __future__ import annotations

import click
import typer.main

from synergies.cli.main import app


def _commands(group: click.Command, path: str = "synergies"):
    yield path, group
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_is_documented() -> None:
    root = typer.main.get_command(app)
    undocumented = []
    for path, command in _commands(root):
        if not (command.help or command.short_help):
            undocumented.append(path)
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name != "help":
                undocumented.append(f"{path} {param.opts[0]}")
            if isinstance(param, click.Argument) and not getattr(param, "help", None):
                undocumented.append(f"{path} {param.name}")
    assert undocumented == []


def test_every_data_command_offers_json() -> None:
    root = typer.main.get_command(app)
    printing = ["report", "functions", "org", "ownership", "scope", "initiatives", "ledger",
                "partners", "agreements", "audit"]  # fmt: skip
    for name in printing:
        command = root.commands[name]  # type: ignore[attr-defined]
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert "--format" in options, name
