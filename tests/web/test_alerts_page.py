"""The alerts page in Chromium: the alerts grouped by rule, figure against threshold, and the
thresholds form for the alliance admin only."""

from __future__ import annotations

import re

from tests.web.conftest import Dashboard, PageAs, serious_violations, shoot, signed_in

PAGE = "/web/alerts?on=2016-03-31"


def test_the_page_groups_the_alerts_by_rule_with_figure_and_threshold(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(dashboard, "admin")
    page.goto(dashboard.url + PAGE)
    assert page.locator("nav a[aria-current=page]").inner_text() == "Alerts"
    ramp = page.locator("section.alert-rule", has=page.locator("h2", has_text="Behind ramp"))
    row = ramp.locator("tr", has_text="HR-001")
    assert row.locator("td.found").inner_text() == "100.0 %"
    assert "20.0 %" in row.inner_text()
    gates = page.locator("section.alert-rule", has=page.locator("h2", has_text="Gate overdue"))
    assert gates.locator("tr", has_text="ENG-002").locator("td.found").inner_text() == "90 days"
    assert page.locator("form[action='/web/alerts/rules/behind%20ramp']").count() == 1
    assert serious_violations(page) == []
    shoot(page, "alerts-admin")


def test_a_viewer_reads_the_thresholds_but_gets_no_form(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(dashboard, "viewer", width="tablet")
    page.goto(dashboard.url + PAGE)
    assert page.locator("table.rules form").count() == 0
    assert "The alliance admin sets the thresholds." in page.content()
    assert serious_violations(page) == []
    shoot(page, "alerts-viewer-tablet")


def test_the_admin_raises_a_threshold_and_the_alert_is_gone(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(writable_dashboard, "admin")
    page.goto(writable_dashboard.url + PAGE)
    form = page.locator("form[action='/web/alerts/rules/gate%20overdue']")
    form.locator("input[name=threshold]").fill("2000")
    with page.expect_navigation():
        form.locator("button").click()
    assert "The rule “gate overdue” is set." in page.locator("[role=status]").inner_text()
    assert page.locator("h2", has_text="Gate overdue").count() == 0


def test_a_refused_threshold_is_shown_beside_its_rule(writable_dashboard: Dashboard) -> None:
    web = signed_in(writable_dashboard, "admin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', web.get(PAGE).text)
    assert csrf
    answer = web.post("/web/alerts/rules/target%20odds",
                      data={"csrf": csrf.group(1), "threshold": "150", "enabled": "on"})  # fmt: skip
    assert answer.status_code == 422
    assert "give a number from 0 to 100 %" in answer.text and "Nothing was changed." in answer.text


def test_a_forged_form_or_a_viewers_form_changes_nothing(writable_dashboard: Dashboard) -> None:
    viewer = signed_in(writable_dashboard, "viewer")
    csrf = re.search(r'name="csrf" value="([^"]+)"', viewer.get(PAGE).text)
    assert csrf  # the log-out form's
    answer = viewer.post(
        "/web/alerts/rules/leakage", data={"csrf": csrf.group(1), "threshold": "1"}
    )
    assert answer.status_code == 403
    admin = signed_in(writable_dashboard, "admin")
    assert admin.post("/web/alerts/rules/leakage", data={"threshold": "1"}).status_code == 403
    assert "100000" in admin.get("/alerts/rules").text
