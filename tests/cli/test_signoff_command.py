"""`initiative sign-off --as USER`: the authenticated controller signs, never the operator."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from synergies.domain.accounts import Role
from synergies.domain.initiatives import Stage
from synergies.services import accounts, initiatives
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage.store import Store
from tests.cli.conftest import Invoke

PASSWORD = "correct horse battery"
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def executed(db: str) -> str:
    """MFG-003 (at L4 in the example) and a RENAULT controller's account."""
    store = Store.open(db)
    admin = Context(store, local_operator())
    accounts.add_user(admin, "rene.controller", Role.controller, PASSWORD, partner="RENAULT")
    assert initiatives.get(admin, "MFG-003").stage is Stage.L4
    store.engine.dispose()
    return "MFG-003"


def test_the_controller_signs_with_their_password(
    cli: Invoke, executed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNERGIES_PASSWORD", PASSWORD)
    done = cli("initiative", "sign-off", executed, "--partner", "renault",
               "--as", "rene.controller", "--on", TODAY)  # fmt: skip
    assert done.code == 0, done.err
    shown = json.loads(cli("initiative", "show", executed, "--format", "json").out)
    assert shown["signed_off_by"] == "RENAULT"


def test_a_wrong_password_signs_nothing(
    cli: Invoke, executed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNERGIES_PASSWORD", "not the password")
    refused = cli("initiative", "sign-off", executed, "--partner", "RENAULT",
                  "--as", "rene.controller")  # fmt: skip
    assert refused.code != 0
    shown = json.loads(cli("initiative", "show", executed, "--format", "json").out)
    assert shown["signed_off_by"] == ""


def test_the_signer_is_named_on_the_command_line(cli: Invoke, executed: str) -> None:
    missing = cli("initiative", "sign-off", executed, "--partner", "RENAULT")
    assert missing.code != 0 and "--as" in missing.err
