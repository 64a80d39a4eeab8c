"""Logging in and out, and the pages a session can end on: each a page, never a traceback."""

from __future__ import annotations

from datetime import timedelta

from synergies.services import accounts
from synergies.services.context import Context
from synergies.services.security import local_operator
from synergies.storage import tables
from tests.web.conftest import Dashboard, PageAs, serious_violations, shoot


def test_a_page_without_a_session_sends_to_the_login_and_back(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(dashboard, None)
    page.goto(dashboard.url + "/?year=2016")
    assert page.url.startswith(dashboard.url + "/web/login?next=/%3Fyear%3D2016")
    assert "Log in to see" in page.inner_text("main")
    account = dashboard.account("viewer")
    page.fill("#name", account.name)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == dashboard.url + "/?year=2016"
    assert "vic.viewer" in page.inner_text("header")


def test_a_wrong_password_is_refused_on_the_page(dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(dashboard, None)
    page.goto(dashboard.url + "/web/login")
    page.fill("#name", "nobody")
    page.fill("#password", "not the password at all")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "wrong user name or password" in page.inner_text("[role=alert]")
    assert page.input_value("#name") == "nobody"
    shoot(page, "login-refused-laptop")
    assert serious_violations(page) == []


def test_a_locked_account_gets_a_page_saying_until_when(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(writable_dashboard, None)
    name = writable_dashboard.account("approver").name
    for _ in range(6):
        page.goto(writable_dashboard.url + "/web/login")
        page.fill("#name", name)
        page.fill("#password", "certainly not it")
        with page.expect_navigation():
            page.click("button[type=submit]")
    alert = page.inner_text("[role=alert]")
    assert "is locked" in alert
    assert "try again after" in alert
    assert page.inner_text("h1") == "Account locked"


def test_logging_out_ends_the_session(dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(dashboard, "viewer")
    with page.expect_navigation():
        page.click("text=Log out")
    assert "You are logged out" in page.inner_text("main")
    page.goto(dashboard.url + "/")
    assert "/web/login" in page.url


def test_an_expired_session_says_so(writable_dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(writable_dashboard, "viewer")
    # The session's end moves into the past, as if the browser had been left open for days.
    store = writable_dashboard.store
    ctx = Context(store, local_operator())
    with store.transaction() as conn:
        conn.execute(
            tables.api_tokens.update()
            .where(tables.api_tokens.c.kind == "session")
            .values(expires_at=ctx.clock() - timedelta(hours=1))
        )
    # Any audited change moves the store's version, so no cached credential outlives this.
    accounts.create_token(ctx, "ada.admin", timedelta(days=1), "moves the version")
    page.goto(writable_dashboard.url + "/")
    assert "/web/login" in page.url
    assert "Your session has expired" in page.inner_text("main")


def test_a_missing_page_is_a_page(dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(dashboard, "viewer")
    answer = page.goto(dashboard.url + "/web/no-such-page")
    assert answer is not None and answer.status == 404
    assert page.inner_text("h1") == "Not found"
    assert "vic.viewer" in page.inner_text("header")  # still signed in, menu kept
    shoot(page, "not-found-laptop")


def test_a_forbidden_page_is_a_403_page(dashboard: Dashboard, page_as: PageAs) -> None:
    page = page_as(dashboard, "viewer")
    answer = page.goto(dashboard.url + "/web/admin")
    assert answer is not None and answer.status == 403
    assert page.inner_text("h1") == "Permission denied"
    assert "may not manage users" in page.inner_text("main")
    assert "Administration" not in page.inner_text("nav")
    shoot(page, "forbidden-laptop")
