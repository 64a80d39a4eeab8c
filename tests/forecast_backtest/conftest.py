"""Fixtures: the CLI runner and the example store of tests/cli."""

from __future__ import annotations

from tests.cli.conftest import cli, db

__all__ = ["cli", "db"]
