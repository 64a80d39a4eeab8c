"""The initiatives pages: the register as the service lists it, and an initiative's gates
passed, refused and guarded (roles, segregation of duties, stale forms, CSRF) in a browser."""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from playwright.sync_api import Page

from synergies.domain.allocation import AllocationMethod, AllocationRule
from synergies.domain.initiatives import Category, Initiative, SideStatus, Stage
from synergies.services import audit_trail, initiative_detail, initiatives
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter
from synergies.services.security import local_operator
from tests.web.conftest import Dashboard, PageAs, serious_violations, shoot, signed_in

LIST = "/web/initiatives"


def operator(board: Dashboard) -> Context:
    return Context(board.store, local_operator())


def listed(page: Page) -> list[str]:
    """The initiatives the register lists (not the lines of savings booked to none)."""
    return page.locator(
        "#initiatives tbody tr:not(.not-attributed) td:first-child"
    ).all_inner_texts()


def submit(page: Page, selector: str) -> int:
    """Click a form's button; the status of the page it led to."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    answer = navigation.value
    assert answer is not None
    return answer.status


def test_the_register_filters_sorts_and_pages_as_the_service_lists(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    ctx = operator(dashboard)
    everything = initiatives.list_initiatives(ctx)
    page = page_as(dashboard, "lead", scripts=False)  # every form and link loads a page
    page.goto(dashboard.url + LIST)
    assert listed(page) == sorted(i.id for i in everything)
    assert page.inner_text("#count") == f"1–{len(everything)} of {len(everything)}"

    page.select_option("#f-function", "purchasing")
    page.select_option("#f-stage", "L3")
    assert submit(page, "form.filters button[type=submit]") == 200
    wanted = initiatives.list_initiatives(ctx, InitiativeFilter(Stage.L3, "purchasing"))
    assert wanted and listed(page) == sorted(i.id for i in wanted)
    twin = page.get_attribute("footer a", "href") or ""
    assert twin.startswith("/initiatives?function=purchasing&stage=L3")

    page.goto(dashboard.url + LIST)
    submit(page, "th a.sort:has-text('Name')")
    by_name = sorted(everything, key=lambda i: i.name)
    assert listed(page) == [i.id for i in by_name]
    assert page.get_attribute("th[aria-sort]", "aria-sort") == "ascending"
    submit(page, "th a.sort:has-text('Name')")
    assert listed(page) == [i.id for i in reversed(by_name)]

    page.select_option("#f-limit", "10")
    submit(page, "form.filters button[type=submit]")
    assert page.inner_text("#count") == f"1–10 of {len(everything)}"
    assert listed(page) == [i.id for i in reversed(by_name)][:10]
    submit(page, "a[rel=next]")
    assert page.inner_text("#count") == f"11–{len(everything)} of {len(everything)}"
    assert listed(page) == [i.id for i in reversed(by_name)][10:]
    assert page.locator("a[rel=next]").count() == 0

    page = page_as(dashboard, "lead")
    page.goto(dashboard.url + LIST)
    shoot(page, "initiatives-laptop")
    assert serious_violations(page) == []
    tablet = page_as(dashboard, "lead", width="tablet")
    tablet.goto(dashboard.url + LIST + "?sort=-stage&limit=10")
    shoot(tablet, "initiatives-tablet")
    assert serious_violations(tablet) == []


def form_fields(web: TestClient, initiative_id: str) -> dict[str, str]:
    """The CSRF token and the version the initiative's page puts in its forms."""
    text = web.get(f"{LIST}/{initiative_id}").text
    token = re.search(r'name="csrf" value="([^"]+)"', text)
    version = re.search(r'name="version" value="(\d+)"', text)
    assert token is not None
    return {"csrf": token.group(1), "version": version.group(1) if version else "1"}


def test_partner_and_status_filters_match_the_service(writable_dashboard: Dashboard) -> None:
    ctx = operator(writable_dashboard)
    shared = AllocationRule(
        AllocationMethod.fixed, (("RENAULT", Decimal(60)), ("MITSUBISHI", Decimal(40)))
    )
    initiatives.create(ctx, Initiative(
        "PUR-010", "Common tyres with Mitsubishi", "purchasing", "D. Girard",
        Category.cost_reduction, shared,
    ))  # fmt: skip
    initiatives.set_status(ctx, "ENG-004", SideStatus.at_risk)
    web = signed_in(writable_dashboard, "viewer")

    def ids(query: str) -> list[str]:
        text = web.get(f"{LIST}?{query}").text
        return re.findall(r'<a href="/web/initiatives/([A-Z0-9-]+)">\1</a>', text)

    mitsubishi = initiatives.list_initiatives(ctx, InitiativeFilter(partner="MITSUBISHI"))
    assert ids("partner=MITSUBISHI") == [i.id for i in mitsubishi] == ["PUR-010"]
    nissan = initiatives.list_initiatives(ctx, InitiativeFilter(partner="NISSAN"))
    assert ids("partner=NISSAN&limit=100") == sorted(i.id for i in nissan)
    assert "PUR-010" not in ids("partner=NISSAN&limit=100")
    at_risk = initiatives.list_initiatives(ctx, InitiativeFilter(status=SideStatus.at_risk))
    assert ids("status=at+risk&function=&stage=") == [i.id for i in at_risk] == ["ENG-004"]
    assert ids("status=on+hold") == []
    assert "No initiative matches" in web.get(f"{LIST}?status=on+hold").text


def test_a_gate_refused_lists_every_unmet_requirement_and_changes_nothing(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    ctx = operator(writable_dashboard)
    before = initiatives.get(ctx, "PUR-004")
    page = page_as(writable_dashboard, "lead")
    page.goto(f"{writable_dashboard.url}{LIST}/PUR-004")
    assert submit(page, "button:has-text('Advance to L3')") == 409
    unmet = initiative_detail.unmet(ctx, "PUR-004", Stage.L3)
    assert len(unmet) == 2  # an approval and a locked plan
    assert page.locator("#unmet li").all_inner_texts() == unmet
    assert "Nothing was changed" in page.inner_text("[role=alert]")
    assert page.inner_text("#stage").startswith("L2")
    assert initiatives.get(ctx, "PUR-004") == before


def test_an_initiative_passes_the_gate_to_l3_approved(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    base = f"{writable_dashboard.url}{LIST}/PUR-004"
    approver = page_as(writable_dashboard, "approver")
    approver.goto(base)
    assert approver.locator("button:has-text('Advance')").count() == 0  # not theirs to do
    assert submit(approver, "button:has-text('Record approval')") == 200
    assert "has its approval recorded" in approver.inner_text("#done")
    assert "Alliance Board" in approver.inner_text("#h-figures + dl")

    lead = page_as(writable_dashboard, "lead")
    lead.goto(base)
    assert lead.locator("button:has-text('Record approval')").count() == 0
    submit(lead, "button:has-text('Lock the plan')")
    assert "locked as the plan" in lead.inner_text("#done")
    assert lead.locator("#next-needs").count() == 0  # the gate's requirements are met
    submit(lead, "button:has-text('Advance to L3')")
    assert "now at L3 (approved)" in lead.inner_text("#done")
    assert lead.inner_text("#stage").startswith("L3 approved")
    assert lead.inner_text("#history tbody tr:first-child").split("\t")[1:] == [
        "L2", "L3", "pat.purchasing",
    ]  # fmt: skip
    newest = lead.inner_text("#audit-records tbody tr:first-child")
    assert "initiative.advance" in newest and "pat.purchasing" in newest
    assert initiatives.get(operator(writable_dashboard), "PUR-004").stage is Stage.L3


def test_each_partners_controller_signs_off_then_it_is_realized(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    base = f"{writable_dashboard.url}{LIST}/PUR-002"
    for role, partner, other in (("renault", "RENAULT", "NISSAN"), ("nissan", "NISSAN", "RENAULT")):
        controller = page_as(writable_dashboard, role)
        controller.goto(base)
        assert controller.locator(f"button:has-text('Sign off for {other}')").count() == 0
        submit(controller, f"button:has-text('Sign off for {partner}')")
        assert "signed off" in controller.inner_text("#done")
    lead = page_as(writable_dashboard, "lead")
    lead.goto(base)
    today = operator(writable_dashboard).clock().date()
    assert sorted(lead.locator("#signoffs li").all_inner_texts()) == [
        f"NISSAN: {writable_dashboard.account('nissan').name}, {today}",
        f"RENAULT: {writable_dashboard.account('renault').name}, {today}",
    ]
    submit(lead, "button:has-text('Advance to L5')")
    assert lead.inner_text("#stage").startswith("L5 realized")
    realized = initiatives.get(operator(writable_dashboard), "PUR-002")
    assert realized.stage is Stage.L5
    assert {s.controller for s in realized.signoffs} == {
        writable_dashboard.account("renault").name, writable_dashboard.account("nissan").name,
    }  # fmt: skip


def test_a_stale_form_is_refused_with_a_message_and_changes_nothing(
    writable_dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(writable_dashboard, "lead")
    page.goto(f"{writable_dashboard.url}{LIST}/PUR-004")
    opened = page.input_value("form[action$='lock-plan'] input[name=version]")
    ctx = operator(writable_dashboard)
    changed = initiatives.set_probability(ctx, "PUR-004", Decimal("0.6"))  # meanwhile
    assert submit(page, "button:has-text('Lock the plan')") == 409
    alert = page.inner_text("[role=alert]")
    assert "out of date" in alert and f"not {opened}" in alert and "Nothing was changed" in alert
    assert initiatives.get(ctx, "PUR-004") == changed  # the plan is still not locked
    assert page.inner_text("#version") == str(changed.version)  # the page as it is now


def test_a_viewer_sees_no_action_and_a_forged_post_gets_a_403_page(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(dashboard, "viewer")
    page.goto(f"{dashboard.url}{LIST}/PUR-004")
    assert page.locator("form.action").count() == 0
    assert "you take no gate action" in page.inner_text("#no-actions")
    web = signed_in(dashboard, "viewer")
    fields = form_fields(web, "PUR-004")
    answer = web.post(f"{LIST}/PUR-004/advance", data={**fields, "to": "L3"})
    assert answer.status_code == 403
    assert "<h1>Permission denied</h1>" in answer.text
    assert "may not manage initiatives" in answer.text
    assert initiatives.get(operator(dashboard), "PUR-004").stage is Stage.L2


def test_a_post_without_the_right_csrf_token_is_refused(writable_dashboard: Dashboard) -> None:
    ctx = operator(writable_dashboard)
    web = signed_in(writable_dashboard, "lead")
    fields = form_fields(web, "PUR-004")
    for forged in ({"version": fields["version"]}, {**fields, "csrf": "0" * 40}):
        answer = web.post(f"{LIST}/PUR-004/lock-plan", data=forged, follow_redirects=False)
        assert answer.status_code == 403
        assert "did not come from your current session" in answer.text
        assert initiatives.get(ctx, "PUR-004").locked_plan is None
    answer = web.post(f"{LIST}/PUR-004/lock-plan", data=fields, follow_redirects=False)
    assert answer.status_code == 303  # the same form with its token goes through
    assert answer.headers["location"] == f"{LIST}/PUR-004?done=locked"
    assert initiatives.get(ctx, "PUR-004").locked_plan is not None


def test_segregation_of_duties_is_refused_on_the_page(writable_dashboard: Dashboard) -> None:
    """The admin may approve, but not an initiative whose plan they locked themselves."""
    ctx = operator(writable_dashboard)
    web = signed_in(writable_dashboard, "admin")
    web.post(f"{LIST}/PUR-004/lock-plan", data=form_fields(web, "PUR-004"))
    fields = form_fields(web, "PUR-004")
    answer = web.post(
        f"{LIST}/PUR-004/approve",
        data={**fields, "body": "Alliance Board", "on": ctx.clock().date().isoformat()},
    )
    assert answer.status_code == 403
    assert 'role="alert"' in answer.text and "cannot approve it" in answer.text
    assert "<h1>PUR-004" in answer.text  # the initiative's page, with the refusal on it
    assert initiatives.get(ctx, "PUR-004").approval is None


def test_audit_detail_only_for_readers_of_the_audit_trail(dashboard: Dashboard) -> None:
    records = audit_trail.records(operator(dashboard), "initiative/PUR-002")
    for role, detailed in (("clean_team", True), ("admin", True), ("renault", False),
                           ("viewer", False)):  # fmt: skip
        text = signed_in(dashboard, role).get(f"{LIST}/PUR-002").text
        table = text[text.index('id="audit-records"') :]
        seqs = re.findall(r'<td class="num">(\d+)</td><td class="nowrap">\d{4}-', table)
        assert seqs == [str(r.seq) for r in reversed(records)], role
        assert ("What changed" in table) is detailed, role
        assert ("weights" in table) is detailed, role  # the allocation, in before/after


def test_an_initiatives_page_reads_well_at_both_widths(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    for width in ("laptop", "tablet"):
        page = page_as(dashboard, "renault", width=width)
        page.goto(f"{dashboard.url}{LIST}/MFG-003?as_of=2015")
        assert page.locator("button:has-text('Sign off for RENAULT')").count() == 1
        assert "Yes:" in page.inner_text("#contribution")
        shoot(page, f"initiative-{width}")
        assert serious_violations(page) == []


def test_with_scripts_a_filter_swaps_in_the_register_without_reloading_the_page(
    dashboard: Dashboard, page_as: PageAs
) -> None:
    page = page_as(dashboard, "viewer")
    page.goto(f"{dashboard.url}{LIST}")
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded anew
    with page.expect_response(lambda r: "function=engineering" in r.url):
        page.select_option("#f-function", "engineering")
    page.wait_for_function("location.search.includes('function=engineering')")
    page.wait_for_selector("#initiatives tbody tr td:text-is('engineering')")
    functions = page.eval_on_selector_all(
        "#initiatives tbody tr td:nth-of-type(3)", "tds => tds.map(td => td.textContent.trim())"
    )
    assert functions and set(functions) == {"engineering"}
    assert page.evaluate("window.sameDocument") is True
    assert "function=engineering" in (page.get_attribute("#json-links a", "href") or "")
    with page.expect_response(lambda r: "sort=-id" in r.url):
        page.click("#initiatives thead a.sort >> nth=0")  # the ID column, sorted up
    page.wait_for_function("location.search.includes('sort=-id')")
    ids = page.eval_on_selector_all("#initiatives tbody td a", "as => as.map(a => a.textContent)")
    assert ids == sorted(ids, reverse=True) and page.evaluate("window.sameDocument") is True
