"""`initiative sign-off --as USER`: the authenticated controller signs, never the operator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

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


def test_the_controller_signs_with_their_token(
    cli: Invoke, executed: str, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(db)
    admin = Context(store, local_operator())
    secret = accounts.create_token(admin, "rene.controller", timedelta(days=1)).secret
    store.engine.dispose()
    monkeypatch.setenv("SYNERGIES_TOKEN", secret)
    other = cli("initiative", "sign-off", executed, "--partner", "RENAULT", "--as", "naoko")
    assert other.code != 0 and "belongs to rene.controller" in other.err
    done = cli("initiative", "sign-off", executed, "--partner", "RENAULT",
               "--as", "rene.controller")  # fmt: skip
    assert done.code == 0, done.err
    assert "by rene.controller" in done.out


def test_the_local_operator_does_not_approve_what_it_proposed(cli: Invoke, db: str) -> None:
    assert cli("initiative", "add", "PUR-010", "--name", "Joint tyres", "--function",
               "purchasing", "--owner", "D. Girard", "--allocation", "RENAULT=40,NISSAN=60").code == 0  # fmt: skip
    assert cli("initiative", "advance", "PUR-010", "--to", "L1").code == 0
    assert cli("initiative", "update", "PUR-010", "--run-rate", "12000000", "--one-off",
               "800000", "--start", "2016-09").code == 0  # fmt: skip
    assert cli("initiative", "advance", "PUR-010", "--to", "L2").code == 0
    refused = cli("initiative", "approve", "PUR-010", "--by", "Alliance Board")
    assert refused.code != 0 and "cannot approve it" in refused.err
