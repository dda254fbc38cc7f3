import re

import pytest

from vendors.models import Certification, Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_staff_registers_a_vendor_with_a_certificate_and_an_outsider_gets_404(
    page, staff, other_staff, media, console_errors
):
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/vendors/new/")
    page.fill("input[name=name]", "株式会社ひまわりコールセンター")
    page.fill("input[name=name_kana]", "ヒマワリコールセンター")
    page.fill("input[name=name_en]", "Himawari Call Center Co., Ltd.")
    page.fill("input[name=corporate_number]", "1-1803-0101-8771")
    page.check("input[name=category_codes][value=phone]")
    page.check("input[name=personal_data]")
    page.select_option("select[name=record_volume]", "10k_100k")
    page.fill("input[name=contacts-0-name]", "日向 葵")
    screenshot(page, "vendors-create-ja")
    page.click("main form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/vendors/\d+/$"))
    assert page.locator("h1").inner_text() == "株式会社ひまわりコールセンター"
    vendor = Vendor.objects.get(name="株式会社ひまわりコールセンター")
    assert vendor.owner == staff
    assert vendor.corporate_number == "1180301018771"
    assert vendor.inherent_tier == 1

    page.goto(f"/vendors/{vendor.pk}/certifications/new/")
    page.select_option("select[name=kind]", "iso27001")
    page.fill("input[name=registration_number]", "IS 654321")
    page.fill("input[name=valid_until]", "2030-03-31")
    page.set_input_files(
        "input[name=evidence_file]",
        files=[{"name": "ISO認証書.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("main form.card button[type=submit]")
    page.wait_for_url(re.compile(rf"/vendors/{vendor.pk}/$"))
    assert page.get_by_text("ISO/IEC 27001").first.is_visible()
    cert = Certification.objects.get(vendor=vendor)
    assert cert.evidence.original_name == "ISO認証書.pdf"
    with page.expect_download() as download:
        page.click(f"a[href='/vendors/{vendor.pk}/certifications/{cert.pk}/file/']")
    assert download.value.suggested_filename == "ISO認証書.pdf"
    screenshot(page, "vendors-detail-ja")

    page.goto("/vendors/")
    page.fill("input[name=q]", "ヒマワリ")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_url(re.compile(r"q=%E3%83%92"))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "株式会社ひまわりコールセンター" in rows.first.inner_text()
    screenshot(page, "vendors-search-kana")

    page.context.clear_cookies()
    log_in(page, "dave")
    page.wait_for_url(lambda url: "/login" not in url)
    console_errors.allow(r"status of 404")  # the refusal below is the point
    response = page.goto(f"/vendors/{vendor.pk}/")
    assert response.status == 404
    assert "株式会社ひまわりコールセンター" not in page.content()
    screenshot(page, "vendors-outsider-404")
