"""A vendor contact reports an incident through the portal; staff classify it and see
the countdown on the incident page and the dashboard. No console error on the way;
screenshots in Japanese, English and at 390 px land in test-artifacts/."""

import os
from pathlib import Path

import pytest

from assessments import services as assessment_services
from incidents.models import Incident
from portal import services as portal
from questionnaires.checklists import install_default_checklist
from tests.portal.conftest import last_code
from vendors.models import Contact, Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("INCIDENT_SHOTS_DIR")


def shot(page, name):
    screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def watch(page, problems):
    page.on(
        "console",
        lambda m: problems.append(f"{page.url}: {m.text[:60]}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))


def test_a_contact_reports_and_staff_classify_and_count_down(
    browser, live_server, staff, manager, media
):
    install_default_checklist()
    vendor = Vendor.objects.create(
        name="株式会社ブラウザ委託", name_en="Browser Vendor", owner=staff
    )
    contact = Contact.objects.create(vendor=vendor, name="山田 花子", email="hanako@vendor.example")
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    _invitation, token = portal.invite(assessment, user=staff, contact=contact, sections=["INC"])
    problems = []

    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch(page, problems)
    page.goto(f"/portal/i/{token}/")
    page.wait_for_url("**/portal/code/")
    page.fill("#id_code", last_code(contact.email))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.click("[data-testid=portal-incidents]")
    page.click("[data-testid=report-incident]")
    page.fill("#id_title", "顧客リストの誤送信")
    page.fill("#id_description", "顧客リストを別の取引先にメールで誤送信しました。")
    page.fill("#id_data_categories", "氏名、電話番号")
    page.fill("#id_people_affected", "800")
    shot(page, "incident-portal-form-ja")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/portal/incidents/" in page.url
    page.get_by_text("顧客リストの誤送信").first.wait_for()
    shot(page, "incident-portal-detail-ja")
    context.close()

    incident = Incident.objects.get(vendor=vendor)
    assert incident.status == Incident.Status.REPORTED and not incident.reportable

    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch(page, problems)
    log_in(page, staff.username)
    page.goto(f"/incidents/{incident.pk}/")
    assert page.locator("[data-reportable=no]").count() == 1
    page.get_by_role("link", name="確認して判定する").click()
    page.fill("#id_people_affected", "1200")  # the count grew past 1,000
    page.check("#id_malicious")  # and it was not a mistake after all
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-reportable=yes]").count() == 1
    assert page.locator("[data-deadline=final_report]").count() == 1
    assert "当社の判断" in page.content()
    shot(page, "incident-detail-ja")
    page.goto("/")
    countdown = page.locator(f"[data-countdown='{incident.pk}-quick_report']")
    countdown.wait_for()
    assert countdown.get_attribute("data-days-left") == "3"
    shot(page, "incident-dashboard-ja")

    page.goto(f"/incidents/{incident.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert "our judgement" in page.content()
    shot(page, "incident-detail-en")
    page.goto("/")
    shot(page, "incident-dashboard-en")
    context.close()

    narrow = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    page = narrow.new_page()
    watch(page, problems)
    log_in(page, staff.username)
    page.goto(f"/incidents/{incident.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "incident-detail-390")
    page.goto("/")
    shot(page, "incident-dashboard-390")
    narrow.close()

    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN and incident.final_report_days == 60
    assert problems == []
