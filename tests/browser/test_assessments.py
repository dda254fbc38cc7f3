"""An assessment from first answer to approval, in a real browser."""

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from questionnaires.checklists import install_default_checklist
from tests.factories import PDF_BYTES, answer_everything
from vendors.models import Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Assessment.Status


def sign_in_as(page, username):
    page.context.clear_cookies()
    log_in(page, username)
    page.wait_for_url(lambda url: "/login" not in url)


def choose(page, label_for):
    """Click a yes/partial/no button; htmx saves it on change and swaps the section in."""
    code = re.match(r"v-(.+)-[a-z]+$", label_for).group(1)
    with page.expect_response(lambda r: r.url.endswith(f"/items/{code}/answer/")) as response:
        page.click(f"label[for={label_for}]")
    assert response.value.status == 200
    page.wait_for_selector(f"#{label_for}:checked", state="attached")


def stored(assessment, code):
    answer = assessment.answers.filter(item__code=code).first()
    return answer.value if answer else None


def act(page, assessment, name, comment=None):
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    if comment is not None:
        page.fill(f"#comment-{name}", comment)
    if name == "approve":
        page.check("#conclusion-adopt")
    if name in ("approve", "return"):  # these ask first, in a dialog
        page.click(f"button[data-action={name}]")
        with page.expect_navigation():
            page.click("dialog [data-testid=dialog-confirm]")
        return
    with page.expect_navigation():
        page.click(f"button[data-action={name}]")


def test_assessment_from_first_answer_to_approval(page, staff, manager, media):
    install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社ブラウザ", owner=staff)
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)

    sign_in_as(page, "charlie")
    page.goto(reverse("assessments:section", args=[assessment.pk, "CON"]))
    choose(page, "v-CON-01-yes")
    choose(page, "v-CON-02-partial")
    choose(page, "v-CON-03-no")
    assert [stored(assessment, c) for c in ("CON-01", "CON-02", "CON-03")] == [
        "yes",
        "partial",
        "no",
    ]
    # Each swap brings the new revision, so changing an answer again is no conflict.
    choose(page, "v-CON-02-yes")
    assert stored(assessment, "CON-02") == "yes"
    assert page.locator(".alert-warning").count() == 0

    evidence_form = page.locator("#item-CON-02 form[enctype='multipart/form-data']")
    evidence_form.locator("input[type=file]").set_input_files(
        {"name": "秘密保持契約.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    with page.expect_navigation():
        evidence_form.locator("button").click()
    page.locator("#item-CON-02").get_by_role("link", name="秘密保持契約.pdf").wait_for()
    screenshot(page, "assessment-section-con")

    page.goto(reverse("assessments:section", args=[assessment.pk, "INC"]))
    number = page.locator("#v-INC-01")
    number.fill("２４")
    with page.expect_response(lambda r: r.url.endswith("/items/INC-01/answer/")):
        number.press("Tab")
    page.wait_for_function("() => document.querySelector('#v-INC-01').value === '24'")
    assert stored(assessment, "INC-01") == 24
    choose(page, "v-INC-02-yes")

    page.goto(reverse("assessments:section", args=[assessment.pk, "SUB"]))
    assert page.locator("#item-SUB-02").is_hidden()
    choose(page, "v-SUB-01-yes")
    page.locator("#item-SUB-02").wait_for(state="visible")
    assert page.locator("#item-SUB-02").get_attribute("data-visible") == "true"
    screenshot(page, "assessment-section-sub-conditional")

    # The other sixty answers through the service layer; clicking them all proves nothing new.
    answered_here = {"CON-01", "CON-02", "CON-03", "INC-01", "INC-02", "SUB-01"}
    answer_everything(assessment, staff, skip=answered_here, one_by_one=True)

    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    assert page.locator("#unanswered").count() == 0
    act(page, assessment, "submit")
    assessment.refresh_from_db()
    assert assessment.status == S.SUBMITTED
    screenshot(page, "assessment-submitted")

    sign_in_as(page, "bob")
    act(page, assessment, "return", comment="CON-03は「いいえ」で良いか確認してください")
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS

    sign_in_as(page, "charlie")
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    assert page.get_by_text("CON-03は「いいえ」で良いか確認してください").is_visible()
    page.goto(reverse("assessments:section", args=[assessment.pk, "CON"]))
    choose(page, "v-CON-03-yes")
    assert stored(assessment, "CON-03") == "yes"
    act(page, assessment, "submit")
    assessment.refresh_from_db()
    assert assessment.status == S.SUBMITTED

    sign_in_as(page, "bob")
    act(page, assessment, "begin_review")
    act(page, assessment, "approve", comment="承認します")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.approved_by) == (S.APPROVED, manager)
    screenshot(page, "assessment-approved")

    sign_in_as(page, "charlie")
    page.goto(reverse("assessments:section", args=[assessment.pk, "CON"]))
    assert page.locator("form.answer-form").count() == 0
    assert page.locator("input[type=file]").count() == 0
    assert page.locator(".alert-secondary").is_visible()  # the locked notice
    assert page.locator("#item-CON-03").get_by_text("CON-03").is_visible()
    screenshot(page, "assessment-locked")
