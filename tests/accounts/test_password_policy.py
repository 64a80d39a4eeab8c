"""The password policy: long enough, not common, not the user's name."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from synergies.domain.accounts import MIN_PASSWORD, check_password, common_passwords
from synergies.domain.errors import InvalidInput
from tests.api.conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "fewer than 12"),
        ("aaaaaaaaaaaaaaaa", "different characters"),
        ("abababababab", "different characters"),
        ("qwerty123456", "common passwords"),
        ("QWERTY123456", "common passwords"),  # the list is compared ignoring case
        ("Password123456!", "common passwords"),  # a common one with digits added
        ("ada.admin is me", "user name"),
        ("ADA.ADMIN", "fewer than 12"),
    ],
)
def test_weak_passwords_are_refused_with_the_field_and_a_fix(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason) as refused:
        check_password(password, user="ada.admin")
    assert refused.value.field == "password"
    assert refused.value.fix and str(MIN_PASSWORD) in refused.value.fix


def test_a_long_unusual_password_is_accepted() -> None:
    check_password(PASSWORD, user="ada.admin")
    check_password("staple orbit lantern 9", user="ada.admin")


def test_the_shipped_list_holds_thousands_of_lower_case_passwords() -> None:
    common = common_passwords()
    assert len(common) > 5000
    assert {"123456", "password", "qwerty123456"} <= common
    assert all(p == p.casefold() for p in common)


def test_the_api_refuses_a_weak_password_naming_the_field(
    client: TestClient, as_role: dict[str, dict[str, str]]
) -> None:
    body = {"name": "weak.user", "role": "viewer", "partner": "NISSAN", "password": "qwerty123456"}
    got = client.post("/users", json=body, headers=as_role["admin"])
    assert got.status_code == 422
    assert "common" in got.text and "password" in got.text
