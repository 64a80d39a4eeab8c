"""Stores for the board pack's tests: the example alliance, and the API over it with a user
per role (the API tests' own fixtures)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.api.conftest import _cheap_hashing, api_store, as_role, client, sources

__all__ = ["_cheap_hashing", "api_store", "as_role", "client", "sources"]

ARTIFACTS = Path(__file__).parents[1] / "artifacts" / "boardpack"


@pytest.fixture
def pack_ctx(example_sqlite: Path, tmp_path: Path) -> Iterator[Context]:
    """The local operator on a copy of the example alliance (SQLite)."""
    copy = tmp_path / "example.db"
    shutil.copyfile(example_sqlite, copy)
    store = Store.open(f"sqlite:///{copy}")
    yield Context(store, local_operator())
    store.engine.dispose()


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it, in reading order."""
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout


def flat(text: str) -> str:
    """Whitespace folded, so a check does not depend on where a line wrapped."""
    return " ".join(text.split())
