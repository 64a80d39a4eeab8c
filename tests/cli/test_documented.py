"""Every command and every option has help text: a user can find their way with --help."""

from __future__ import annotations

from collections.abc import Iterator

from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

from synergies.cli.main import COMMANDS, app, load


def _commands(command: _click.Command, path: str) -> Iterator[tuple[str, _click.Command]]:
    yield path, command
    if isinstance(command, TyperGroup):
        for name in command.list_commands(_click.Context(command)):
            sub = command.get_command(_click.Context(command), name)
            assert sub is not None, f"{path} {name}"
            yield from _commands(sub, f"{path} {name}")


def _every_command() -> Iterator[tuple[str, _click.Command]]:
    """The whole tree: the lazy root, then each registered command loaded from its module."""
    yield "synergies", app
    for name in COMMANDS:
        yield from _commands(load(name), f"synergies {name}")


def test_the_tree_is_whole() -> None:
    paths = {path for path, _ in _every_command()}
    assert {"synergies initiative advance", "synergies db upgrade", "synergies token revoke",
            "synergies whatif converge", "synergies org add-line"} <= paths  # fmt: skip
    assert len(paths) > 50


def test_every_command_and_option_is_documented() -> None:
    undocumented = []
    for path, command in _every_command():
        if not (command.help or command.short_help):
            undocumented.append(path)
        for param in command.params:
            if isinstance(param, TyperOption) and not param.help and param.name != "help":
                undocumented.append(f"{path} {param.opts[0]}")
            if isinstance(param, TyperArgument) and not param.help:
                undocumented.append(f"{path} {param.name}")
    assert undocumented == []


def test_the_root_summaries_are_the_commands_own_help() -> None:
    # The root --help shows COMMANDS' summaries without importing; they must not drift.
    for name, entry in COMMANDS.items():
        command = load(name)
        assert command.name == name
        first_paragraph = (command.short_help or command.help or "").split("\n\n")[0]
        assert " ".join(first_paragraph.split()) == entry.summary, name


def test_every_data_command_offers_json() -> None:
    printing = ["report", "functions", "org", "ownership", "scope", "initiatives", "ledger",
                "partners", "agreements", "audit"]  # fmt: skip
    for name in printing:
        options = {o for p in load(name).params for o in getattr(p, "opts", [])}
        assert "--format" in options, name
