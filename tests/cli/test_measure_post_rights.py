"""`measure --post` checks the right to post before it reads the source, as the API does."""

from __future__ import annotations

from pathlib import Path

import pytest

from synergies.cli import measure_commands
from synergies.domain.accounts import Role
from synergies.services.context import Context
from synergies.services.security import Actor
from synergies.storage.store import Store
from tests.cli.conftest import Invoke


def test_measure_post_without_the_right_reads_nothing(
    cli: Invoke, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever acts with less than the right to record for every partner and function (here
    a controller of RENAULT) is refused before the long read, not after it."""
    read: list[object] = []
    controller = Actor("rene", Role.controller, "RENAULT")
    monkeypatch.setattr(
        measure_commands, "open_context", lambda url: Context(Store.open(url), controller)
    )
    monkeypatch.setattr(measure_commands, "measure", lambda *a, **k: read.append(a))
    result = cli("measure", str(tmp_path), "--post", "--db", db)
    assert result.code == 6, result.err
    assert "RENAULT" in result.err and read == []
