"""The administration page: an admin manages accounts, roles and tokens through forms; a
refused change is shown beside its form and changes nothing; nobody else gets in, by the
page or by a forged form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from synergies.domain.accounts import Role
from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from tests.web.conftest import Dashboard, PageAs, serious_violations, shoot, signed_in

STRONG = "amber kettle rowing quietly"


def csrf_of(web: TestClient, path: str = "/web/admin") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', web.get(path).text)
    assert found, f"no form on {path}"
    return found.group(1)


def operator(board: Dashboard) -> Context:
    return Context(board.store, local_operator())


def users_of(board: Dashboard) -> dict[str, tuple[Role, str | None, bool]]:
    return {u.name: (u.role, u.partner, u.active) for u in accounts.users(operator(board))}


def alert(html: str) -> str:
    found = re.search(r'class="notice error" role="alert">(.*?)</div>', html, re.S)
    assert found, "no refusal on the page"
    return re.sub(r"<[^>]+>", " ", found.group(1))


def test_an_admin_adds_a_user_then_changes_their_role(writable_dashboard: Dashboard) -> None:
    web = signed_in(writable_dashboard, "admin")
    token = csrf_of(web)
    added = web.post("/web/admin/users", data={
        "csrf": token, "name": "Yuki Tanaka", "role": "viewer", "partner": "NISSAN",
        "password": STRONG,
    }, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303 and "done=added" in added.headers["location"]
    assert users_of(writable_dashboard)["Yuki Tanaka"] == (Role.viewer, "NISSAN", True)
    assert "Yuki Tanaka can now log in." in web.get(added.headers["location"]).text
    changed = web.post("/web/admin/users/Yuki Tanaka/role", data={
        "csrf": token, "role": "function lead", "partner": "NISSAN",
        "functions": ["purchasing", "engineering"],
    }, follow_redirects=False)  # fmt: skip
    assert changed.status_code == 303
    user = accounts.user(operator(writable_dashboard), "Yuki Tanaka")
    assert user.role is Role.function_lead and user.functions == ("engineering", "purchasing")
    page = web.get("/web/admin").text
    row = re.search(r"<th scope=\"row\">Yuki Tanaka</th>(.*?)</tr>", page, re.S)
    assert row and "function lead" in row.group(1) and "engineering, purchasing" in row.group(1)


def test_a_weak_password_is_refused_beside_the_form_with_the_fix(
    writable_dashboard: Dashboard,
) -> None:
    web = signed_in(writable_dashboard, "admin")
    answer = web.post("/web/admin/users", data={
        "csrf": csrf_of(web), "name": "weak.one", "role": "partner controller",
        "partner": "RENAULT", "password": "password1234",
    })  # fmt: skip
    assert answer.status_code == 422
    refusal = alert(answer.text)
    assert "common passwords" in refusal and "four unrelated words" in refusal
    assert 'value="weak.one"' in answer.text  # the form keeps what was typed...
    assert "password1234" not in answer.text  # ...but never the password
    assert "weak.one" not in users_of(writable_dashboard)


def test_the_last_admin_cannot_be_demoted_or_deactivated(writable_dashboard: Dashboard) -> None:
    web = signed_in(writable_dashboard, "admin")
    token, before = csrf_of(web), users_of(writable_dashboard)
    demoted = web.post(
        "/web/admin/users/ada.admin/role",
        data={"csrf": token, "role": "viewer", "partner": "RENAULT"},
    )
    deactivated = web.post("/web/admin/users/ada.admin/deactivate", data={"csrf": token})
    for answer in (demoted, deactivated):
        assert answer.status_code == 409
        assert "last active alliance admin" in alert(answer.text)
    assert users_of(writable_dashboard) == before


def test_an_admin_revokes_a_token_and_a_new_ones_secret_is_shown_once(
    writable_dashboard: Dashboard,
) -> None:
    ctx = operator(writable_dashboard)
    script = accounts.create_token(ctx, "naoko.controller", timedelta(days=7), "monthly close")
    web = signed_in(writable_dashboard, "admin")
    token = csrf_of(web)
    assert f"<code>{script.token.id}</code>" in web.get("/web/admin").text
    revoked = web.post(f"/web/admin/tokens/{script.token.id}/revoke", data={"csrf": token},
                       follow_redirects=False)  # fmt: skip
    assert revoked.status_code == 303
    assert accounts.tokens(ctx, "naoko.controller")[0].revoked_at is not None
    assert (
        web.get("/auth/me", headers={"Authorization": f"Bearer {script.secret}"}).status_code == 401
    )
    made = web.post("/web/admin/tokens", data={
        "csrf": token, "user": "vic.viewer", "expires_in": "7d", "label": "dashboard export",
    })  # fmt: skip
    assert made.status_code == 201
    found = re.search(r'id="new-secret" class="secret" value="([^"]+)"', made.text)
    assert found
    me = web.get("/auth/me", headers={"Authorization": f"Bearer {found.group(1)}"})
    assert me.status_code == 200 and me.json()["name"] == "vic.viewer"
    assert found.group(1) not in web.get("/web/admin").text


def test_a_non_admin_gets_a_403_page(dashboard: Dashboard) -> None:
    answer = signed_in(dashboard, "clean_team").get("/web/admin")
    assert answer.status_code == 403
    assert "may not manage users" in answer.text and "<h1>Permission denied</h1>" in answer.text


FORGED = [
    ("/web/admin/users", {"name": "mallory", "role": "alliance admin", "password": STRONG}),
    ("/web/admin/users/vic.viewer/role", {"role": "alliance admin"}),
    ("/web/admin/users/ada.admin/deactivate", {}),
    ("/web/admin/users/ada.admin/password", {"password": STRONG}),
    ("/web/admin/tokens", {"user": "ada.admin", "expires_in": "90d"}),
]


@pytest.mark.parametrize("role", ["viewer", "renault", "lead"])
def test_forged_admin_forms_are_refused_and_change_nothing(
    writable_dashboard: Dashboard, role: str
) -> None:
    ctx = operator(writable_dashboard)
    own = accounts.tokens(ctx, writable_dashboard.account(role).name)
    web = signed_in(writable_dashboard, role)
    token = csrf_of(web, "/web/ledger")  # a valid token of their own session
    before = users_of(writable_dashboard), len(accounts.tokens(ctx, None))
    admin_session = accounts.tokens(ctx, "ada.admin")
    forged = [*FORGED, *((f"/web/admin/tokens/{t.id}/revoke", {}) for t in admin_session + own)]
    for path, fields in forged:
        answer = web.post(path, data={"csrf": token, **fields})
        assert answer.status_code == 403, path
        assert "Permission denied" in answer.text
    assert (users_of(writable_dashboard), len(accounts.tokens(ctx, None))) == before
    assert all(t.revoked_at is None for t in accounts.tokens(ctx, None))


def test_a_form_with_a_wrong_csrf_token_is_refused(writable_dashboard: Dashboard) -> None:
    web = signed_in(writable_dashboard, "admin")
    before = users_of(writable_dashboard)
    for token in ("", "0" * 40, csrf_of(signed_in(writable_dashboard, "admin"))):
        answer = web.post("/web/admin/users/vic.viewer/deactivate", data={"csrf": token})
        assert answer.status_code == 403
        assert "did not come from your current session" in answer.text
    assert users_of(writable_dashboard) == before


def test_administration_in_a_browser(writable_dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(writable_dashboard, "admin")
    page.goto(writable_dashboard.url + "/web/admin")
    page.fill("#add-name", "hiro.buyer")
    page.select_option("#add-role", "function lead")
    page.select_option("#add-partner", "NISSAN")
    page.check("fieldset.checks input[value=purchasing] >> nth=-1")
    page.fill("#add-password", "hiro.buyer")
    with page.expect_navigation():
        page.click("text=Add the user")
    assert "fewer than 12" in page.inner_text("[role=alert]")
    assert page.input_value("#add-name") == "hiro.buyer"
    page.fill("#add-password", STRONG)
    with page.expect_navigation():
        page.click("text=Add the user")
    assert "hiro.buyer can now log in." in page.inner_text("[role=status]")
    shoot(page, "admin-laptop")
    assert serious_violations(page) == []
    tablet = page_as(writable_dashboard, "admin", width="tablet")
    tablet.goto(writable_dashboard.url + "/web/admin")
    tablet.click("#user-1 summary")
    shoot(tablet, "admin-tablet")
    assert serious_violations(tablet) == []
