"""The vendor portal end to end: the invitation goes out through a real SMTP server
(aiosmtpd, started here), Chromium follows its link, takes the code from the second
e-mail, answers two sections with an evidence file and submits; staff see who answered.
Screenshots of the portal pages in both languages and at 390 px land in test-artifacts/."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from assessments import services as assessment_services
from portal import services
from portal.models import Invitation
from questionnaires.checklists import install_default_checklist
from vendors.models import Contact, Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def text(self, n):
        return self.messages[n].get_body(preferencelist=("plain",)).get_content()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


def choose(page, label_for):
    code = re.match(r"v-(.+)-[a-z]+$", label_for).group(1)
    with page.expect_response(
        lambda r: r.url.endswith(f"/portal/items/{code}/answer/")
    ) as response:
        page.click(f"label[for={label_for}]")
    assert response.value.status == 200
    page.wait_for_selector(f"#{label_for}:checked", state="attached")


def test_vendor_answers_through_the_emailed_link(
    page, browser, live_server, smtp, staff, manager, media, settings
):
    settings.SITE_URL = live_server.url
    install_default_checklist()
    vendor = Vendor.objects.create(
        name="株式会社ブラウザ委託", name_en="Browser Vendor", owner=staff
    )
    contact = Contact.objects.create(vendor=vendor, name="山田 花子", email="hanako@vendor.example")
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    invitation, _token = services.invite(
        assessment,
        user=staff,
        contact=contact,
        sections=["CON", "INC"],
        message="よろしくお願いします",
    )
    assert len(smtp.messages) == 1
    first = smtp.messages[0]
    assert first["Subject"].strip() == "[DueDiligence] セキュリティ質問票へのご回答のお願い"
    assert first.get_body(preferencelist=("html",)) is not None
    link = re.search(r"https?://\S+/portal/i/\S+/", smtp.text(0)).group(0)

    page.context.clear_cookies()
    page.goto(link)
    page.wait_for_url("**/portal/code/")
    assert "/portal/i/" not in page.url
    assert len(smtp.messages) == 2
    code = re.search(r"\b(\d{6})\b", smtp.text(1)).group(1)
    screenshot(page, "portal-code-ja")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/portal/")
    screenshot(page, "portal-home-ja")

    page.goto("/portal/sections/CON/")
    for label in ("v-CON-01-yes", "v-CON-02-partial", "v-CON-03-no"):
        choose(page, label)
    form = page.locator("#item-CON-01 form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files(
        {"name": "秘密保持契約書.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    with page.expect_navigation():
        form.locator("button").click()
    page.locator("#item-CON-01").get_by_role("link", name="秘密保持契約書.pdf").wait_for()
    screenshot(page, "portal-section-con-ja")

    # The rest of the two sections through the service, as a vendor's clicks would.
    for item in assessment.version.items.filter(section__code__in=["CON", "INC"]):
        if not assessment.answers.filter(item=item).exists():
            value = {"yes_no": "yes", "number": 24, "date": "2030-03-31", "text": "記述"}.get(
                item.answer_type
            )
            if item.answer_type == "single_choice":
                value = item.choices[0]["value"]
            elif item.answer_type == "multi_choice":
                value = [item.choices[0]["value"]]
            services.save_answer(invitation, item, value=value, comment="", base_revision=None)
    page.goto("/portal/sections/INC/")
    number = page.locator("#v-INC-01")
    number.fill("１２")
    with page.expect_response(lambda r: r.url.endswith("/portal/items/INC-01/answer/")):
        number.press("Tab")
    page.wait_for_function("() => document.querySelector('#v-INC-01').value === '12'")

    # English, remembered, and a phone-sized screen.
    page.click("[data-testid=portal-lang-en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "portal-section-inc-en")
    page.goto("/portal/")
    screenshot(page, "portal-home-en")
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.add_cookies(page.context.cookies())
    narrow = phone.new_page()
    narrow.goto("/portal/sections/CON/")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(narrow, "portal-section-con-390-en")
    phone.close()

    with page.expect_navigation():
        page.click("button[data-action=submit]")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    screenshot(page, "portal-submitted-en")

    # Staff see who answered.
    page.context.clear_cookies()
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:section", args=[assessment.pk, "CON"]))
    assert (
        page.locator("#item-CON-01 .answered-by-contact")
        .first.inner_text()
        .startswith("委託先が回答：山田 花子（hanako@vendor.example）")
    )
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    assert page.locator("[data-status=submitted]").count() == 1
    screenshot(page, "portal-staff-invitations-ja")


def test_closed_and_code_pages_at_390_px(
    browser, live_server, staff, manager, media, settings, console_errors
):
    console_errors.allow(r"status of 410 \(Gone\)")  # the revoked link's page is the point
    install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社狭い画面", owner=staff)
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    invitation, token = services.invite(assessment, user=staff, email="narrow@vendor.example")
    services.revoke(invitation)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"/portal/i/{token}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "portal-revoked-390")
    context.close()
