"""Steps that cannot be undone ask first: in a dialog with JavaScript, on a page of their
own without it. Screenshots in Japanese and English, and at 390 px wide."""

import re

import pytest

from assessments import services
from assessments.models import Assessment
from tests.factories import (
    CertificationFactory,
    ContractFactory,
    answer_everything,
    make_vendor,
    published_version,
    submit,
)
from vendors.models import Certification, Contract

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_console(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def sign_in(page, username):
    log_in(page, username)
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def vendor(staff):
    vendor = make_vendor(staff, "株式会社確認テスト")
    CertificationFactory(vendor=vendor, registration_number="IS 12345")
    ContractFactory(vendor=vendor)
    return vendor


def test_deleting_a_certificate_asks_in_a_dialog(page, vendor, staff):
    problems = watch_console(page)
    sign_in(page, "charlie")
    page.goto(vendor.get_absolute_url())
    page.click("[data-testid=remove-cert]")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.wait_for(state="visible")
    assert "この認証を削除しますか" in dialog.inner_text()
    assert dialog.locator("[data-testid=dialog-confirm]").inner_text() == "削除"
    screenshot(page, "confirm-dialog-certificate-ja")
    # Cancel: nothing is sent, nothing deleted, the focus back on the button.
    dialog.get_by_role("button", name="キャンセル").click()
    assert page.locator("dialog.confirm-dialog").count() == 0
    assert Certification.objects.filter(vendor=vendor).count() == 1
    # Escape closes it too.
    page.click("[data-testid=remove-cert]")
    page.keyboard.press("Escape")
    assert page.locator("dialog.confirm-dialog").count() == 0

    page.click("[data-testid=remove-contract]")
    with page.expect_navigation():
        page.click("dialog [data-testid=dialog-confirm]")
    assert Contract.objects.filter(vendor=vendor).count() == 0
    assert Certification.objects.filter(vendor=vendor).count() == 1
    page.set_viewport_size({"width": 390, "height": 800})
    page.click("[data-testid=remove-cert]")
    page.locator("dialog.confirm-dialog").wait_for(state="visible")
    screenshot(page, "confirm-dialog-certificate-390")
    with page.expect_navigation():
        page.click("dialog [data-testid=dialog-confirm]")
    assert Certification.objects.filter(vendor=vendor).count() == 0
    assert problems == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_without_javascript_a_confirmation_page_asks(browser, live_server, vendor, staff, language):
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP" if language == "ja" else "en-US",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "charlie")
        if language == "en":
            page.context.add_cookies(
                [{"name": "django_language", "value": "en", "url": live_server.url}]
            )
        page.goto(vendor.get_absolute_url())
        with page.expect_navigation():
            page.click("[data-testid=remove-cert]")
        confirmation = page.locator("[data-testid=confirmation]")
        assert confirmation.is_visible()
        text = confirmation.inner_text()
        assert ("認証の削除" if language == "ja" else "Delete the certification") in text
        assert "IS 12345" in text
        assert Certification.objects.filter(vendor=vendor).count() == 1
        screenshot(page, f"confirm-page-certificate-{language}")
        page.set_viewport_size({"width": 390, "height": 800})
        screenshot(page, f"confirm-page-certificate-{language}-390")
        # Cancel goes back to the vendor; confirming deletes.
        page.click("[data-testid=cancel]")
        page.wait_for_url(re.compile(rf"/vendors/{vendor.pk}/$"))
        with page.expect_navigation():
            page.click("[data-testid=remove-cert]")
        with page.expect_navigation():
            page.click("[data-testid=confirm]")
        assert Certification.objects.filter(vendor=vendor).count() == 0
    finally:
        context.close()


@pytest.fixture
def in_review(vendor, staff, manager):
    published_version()
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_everything(assessment, staff)
    submit(assessment, staff)
    services.apply_action(assessment, "begin_review", user=manager)
    return assessment


def test_approving_with_conditions_asks_in_a_dialog_that_repeats_them(
    page, live_server, in_review, manager
):
    problems = watch_console(page)
    sign_in(page, "bob")
    page.goto(f"/assessments/{in_review.pk}/")
    page.check("#conclusion-conditional")
    page.fill("#conditions", "3か月以内に再委託先の一覧を提出すること")
    screenshot(page, "approve-form-ja")
    page.click("button[data-action=approve]")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.wait_for(state="visible")
    text = dialog.inner_text()
    assert "条件付きで採用可" in text
    assert "3か月以内に再委託先の一覧を提出すること" in text
    screenshot(page, "approve-dialog-ja")
    dialog.get_by_role("button", name="キャンセル").click()
    in_review.refresh_from_db()
    assert in_review.status == Assessment.Status.IN_REVIEW

    page.click("button[data-action=approve]")
    with page.expect_navigation():
        page.click("dialog [data-testid=dialog-confirm]")
    in_review.refresh_from_db()
    assert in_review.status == Assessment.Status.APPROVED
    assert in_review.conclusion == "conditional"
    conclusion = page.locator("[data-testid=conclusion]")
    assert "条件付きで採用可" in conclusion.inner_text()
    screenshot(page, "assessment-conclusion-ja")
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "assessment-conclusion-390")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert "Adopt with conditions" in page.locator("[data-testid=conclusion]").inner_text()
    screenshot(page, "assessment-conclusion-en")
    assert problems == []


def test_returning_asks_in_a_dialog(page, live_server, in_review, manager):
    problems = watch_console(page)
    sign_in(page, "bob")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"/assessments/{in_review.pk}/")
    page.fill("#comment-return", "Attach the NDA, please.")
    page.click("button[data-action=return]")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.wait_for(state="visible")
    assert "Attach the NDA, please." in dialog.inner_text()
    screenshot(page, "return-dialog-en")
    with page.expect_navigation():
        page.click("dialog [data-testid=dialog-confirm]")
    in_review.refresh_from_db()
    assert in_review.status == Assessment.Status.IN_PROGRESS
    assert problems == []
