"""In a real browser: importing a VSAQ questionnaire through the checklist editor, and
an assessment of the IPA quick check with IPA's own total, in ja and en, at 390 px."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.services import save_answer, start_assessment
from questionnaires.checklists import install_default_checklist
from questionnaires.models import Checklist, ChecklistVersion
from vendors.models import Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VSAQ = {
    "questionnaire": [
        {
            "type": "block",
            "text": "Browser sample",
            "items": [
                {"type": "yesno", "id": "mfa", "text": "Is MFA required for remote access?"},
                {"type": "box", "id": "mfa_why", "cond": "mfa/no", "text": "Why not?"},
                {"type": "upload", "id": "policy", "text": "Upload the policy"},
            ],
        }
    ]
}


@pytest.mark.parametrize(("language", "width"), [("ja", 1280), ("en", 390)])
def test_an_admin_previews_and_creates_a_draft_from_a_vsaq_file(
    page, admin_user, settings, tmp_path, language, width
):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = False
    install_default_checklist()
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(VSAQ), encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "alice")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto(reverse("questionnaires:checklist_import_standard"))
    page.select_option("select[name=format]", "vsaq")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-testid=import-report]").is_visible()
    assert page.locator("[data-testid=unmapped] tbody tr").count() == 1
    screenshot(page, f"vsaq-preview-{language}-{width}")
    with page.expect_navigation():
        page.click("[data-testid=import-report] button[type=submit]")
    version = ChecklistVersion.objects.get(checklist__name_en__endswith="(VSAQ)")
    assert version.is_draft and version.items.count() == 2
    assert page.url.endswith(version.get_absolute_url())
    screenshot(page, f"vsaq-draft-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("ja", 1280), ("en", 390)])
def test_the_ipa_assessment_page_shows_ipas_total(page, staff, language, width):
    install_default_checklist()
    call_command("load_checklist", bundled="ipa_quick_check")
    checklist = Checklist.objects.get(name_en__startswith="Quick security check")
    vendor = Vendor.objects.create(name="株式会社小規模", owner=staff)
    assessment = start_assessment(vendor, user=staff, checklist=checklist)
    items = assessment.version.items.order_by("section__position", "position")
    for item, value in zip(items, ["done"] * 21 + ["partly", "not_done", "unknown"], strict=False):
        save_answer(assessment, item, value=value, user=staff)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto(reverse("assessments:detail", args=[assessment.pk]))
    total = page.locator("[data-testid=ipa-total]")
    assert total.is_visible()
    assert "85" in total.inner_text() and "100" in total.inner_text()
    screenshot(page, f"ipa-detail-{language}-{width}")
    page.goto(reverse("assessments:section", args=[assessment.pk, "IPO"]))
    last = page.locator("#item-IPO-07")
    assert last.is_visible()
    screenshot(page, f"ipa-section-{language}-{width}")
