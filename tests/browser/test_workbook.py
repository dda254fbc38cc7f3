"""The workbook import preview in a real browser, in Japanese and in English."""

import pytest

from assessments import services, workbook
from questionnaires.checklists import install_default_checklist
from tests.assessments.test_workbook import filled
from vendors.models import Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_preview_shows_changes_conflicts_and_problems(
    page, staff, tmp_path, console_errors
):
    # A workbook with problems is answered 422 with its preview: that is the point here.
    console_errors.allow(r"status of 422 .*/workbook/import/")
    install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社ひまわりコールセンター", owner=staff)
    assessment = services.start_assessment(vendor, user=staff)
    items = {i.code: i for i in assessment.version.items.all()}
    services.save_answer(assessment, items["CON-02"], value="yes", user=staff)
    content = workbook.build_workbook(assessment, language="ja")
    services.save_answer(assessment, items["CON-02"], value="partial", user=staff)
    path = tmp_path / "回答済み.xlsx"
    path.write_bytes(
        filled(
            content,
            {"CON-01": "○", "CON-02": "×", "CON-03": "Yes", "INC-01": "２４", "POL-01": "たぶん"},
            comments={"CON-01": "2024年に締結済み"},
        )
    )
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    for language in ("ja", "en"):
        if language == "en":
            page.goto(f"/assessments/{assessment.pk}/")
            page.click("button[name=language][value=en]")
            page.wait_for_load_state()
        page.goto(f"/assessments/{assessment.pk}/workbook/import/")
        page.set_input_files("input[name=file]", str(path))
        page.click("main form button[type=submit]")
        page.wait_for_selector("[data-testid=preview]")
        assert page.locator("tr[data-kind=conflict][data-code=CON-02]").count() == 1
        assert page.locator("[data-testid=problems]").count() == 1
        screenshot(page, f"workbook-import-preview-{language}")
    assert not assessment.answers.filter(item__code="CON-01").exists()
