"""Steps that cannot be undone ask first: in a dialog with JavaScript, on a page of their
own without it. Screenshots in Japanese and English, and at 390 px wide."""

import re

import pytest
from playwright.sync_api import expect

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
    expect(page.locator("dialog.confirm-dialog")).to_have_count(0)  # removed once closed
    assert Certification.objects.filter(vendor=vendor).count() == 1
    # Escape closes it too.
    page.click("[data-testid=remove-cert]")
    page.keyboard.press("Escape")
    expect(page.locator("dialog.confirm-dialog")).to_have_count(0)  # removed once closed

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
    # The vendor's next status follows the conclusion chosen.
    checked = page.locator("input[name=vendor_status]:checked")
    assert checked.get_attribute("value") == "approved"
    page.check("#conclusion-reject")
    assert checked.get_attribute("value") == "rejected"
    page.check("#conclusion-conditional")
    assert checked.get_attribute("value") == "approved"
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


@pytest.fixture
def no_js(browser, live_server):
    def open_context(language):
        context = browser.new_context(
            base_url=live_server.url,
            locale="ja-JP" if language == "ja" else "en-US",
            java_script_enabled=False,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    return open_context


@pytest.mark.parametrize("language", ["ja", "en"])
def test_without_javascript_the_approval_page_asks_for_the_conclusion(
    no_js, live_server, in_review, manager, language
):
    page = no_js(language)
    try:
        sign_in(page, "bob")
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(f"/assessments/{in_review.pk}/")
        page.check("#conclusion-reject")
        page.check("input[name=vendor_status][value='']")  # no script moves it for them
        with page.expect_navigation():
            page.click("button[data-action=approve]")
        confirmation = page.locator("[data-testid=confirmation]")
        assert confirmation.is_visible()
        # What was chosen on the assessment page is still chosen here.
        assert page.locator("input[name=conclusion][value=reject]").is_checked()
        screenshot(page, f"approve-page-{language}")
        page.set_viewport_size({"width": 390, "height": 800})
        screenshot(page, f"approve-page-{language}-390")
        in_review.refresh_from_db()
        assert in_review.status == Assessment.Status.IN_REVIEW
        with page.expect_navigation():
            page.click("[data-testid=confirm]")
        in_review.refresh_from_db()
        assert (in_review.status, in_review.conclusion) == (Assessment.Status.APPROVED, "reject")
        label = "採用不可" if language == "ja" else "Do not adopt"
        assert label in page.locator("[data-testid=conclusion]").inner_text()
        screenshot(page, f"assessment-rejected-{language}-390")
    finally:
        page.context.close()


def test_without_javascript_revoking_an_api_token_asks_on_a_page(no_js, staff):
    from accounts.tokens import issue_token

    token, _secret = issue_token(staff, name="会計システム連携", scope="read")
    page = no_js("ja")
    try:
        sign_in(page, "charlie")
        page.goto("/accounts/profile/")
        with page.expect_navigation():
            page.click(f"form[action$='/api-tokens/{token.pk}/revoke/'] button")
        assert "会計システム連携" in page.locator("[data-testid=confirmation]").inner_text()
        screenshot(page, "revoke-token-page-ja")
        token.refresh_from_db()
        assert token.is_usable
        with page.expect_navigation():
            page.click("[data-testid=confirm]")
        token.refresh_from_db()
        assert not token.is_usable
    finally:
        page.context.close()
