"""Downloaded files end in the extension of their detected content, without control or
bidirectional characters, and keep it when a long name is shortened; the same for
report names built from vendor names. And an over-limit upload says sizes that differ."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments.models import Assessment
from core.filenames import download_name
from reports.models import Report
from tests.factories import PDF_BYTES, VendorFactory, pdf_upload
from vendors.models import Certification
from vendors.uploads import validate_upload

PDF_WITH_HTML = PDF_BYTES + b"<html><script>alert(document.domain)</script></html>"


@pytest.mark.parametrize(
    ("given", "extension", "served"),
    [
        ("evidence.html", ".pdf", "evidence.pdf"),
        ("invoice\u202efdp.exe", ".pdf", "invoicefdp.pdf"),
        ("a\u200f\u2066b\u2069.pdf", ".pdf", "ab.pdf"),
        ("....", ".pdf", "file.pdf"),
        ("", ".png", "file.png"),
        ("scan.JPEG", ".jpg", "scan.JPEG"),
        ("scan.png", ".jpg", "scan.jpg"),
        ("契約書 v1.2 final", ".pdf", "契約書 v1.2 final.pdf"),
        ("ISO認証書.pdf", ".pdf", "ISO認証書.pdf"),
    ],
)
def test_download_name_ends_in_the_detected_extension(given, extension, served):
    assert download_name(given, extension) == served


def test_a_long_name_keeps_its_extension_when_shortened():
    name = download_name("a" * 300 + ".pdf", ".pdf")
    assert name.endswith("aaa.pdf")
    assert len(name) <= 150
    japanese = download_name("報" * 300 + ".pdf", ".pdf")
    assert japanese.endswith("報.pdf")
    assert len(japanese.encode()) <= 240


def _download(client, staff, upload_name, content=PDF_WITH_HTML):
    vendor = VendorFactory(owner=staff)
    client.force_login(staff)
    response = client.post(
        reverse("vendors:certification_create", args=[vendor.pk]),
        {
            "kind": "iso27001",
            "registration_number": "IS 1",
            "valid_until": "2030-03-31",
            "evidence_file": pdf_upload(upload_name, content=content),
        },
    )
    assert response.status_code == 302
    cert = Certification.objects.get(vendor=vendor)
    response = client.get(reverse("vendors:part_file", args=[vendor.pk, "certifications", cert.pk]))
    assert response.status_code == 200
    response.close()
    return response["Content-Disposition"]


@pytest.mark.parametrize(
    ("uploaded", "served"),
    [
        ("evidence.html", "evidence.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),
        ("...", "file.pdf"),
    ],
)
def test_an_upload_is_downloaded_under_its_content_extension(
    client, staff, media, uploaded, served
):
    assert _download(client, staff, uploaded) == f'attachment; filename="{served}"'


def test_a_300_character_upload_name_keeps_pdf(client, staff, media):
    disposition = _download(client, staff, "x" * 300 + ".pdf")
    assert disposition.endswith('.pdf"')


def test_report_names_from_hostile_vendor_names(staff):
    vendor = VendorFactory(owner=staff, name="悪意\u202efdp.exe/../株式会社", name_en="E" * 200)
    report = Report(
        assessment=Assessment(vendor=vendor),
        language="ja",
        finished_at=datetime(2026, 4, 1, 3, tzinfo=UTC),
    )
    name = report.download_name()
    assert name == "悪意fdp.exe_.._株式会社_評価報告書_20260401.pdf"
    report.language = "en"
    english = report.download_name()
    assert english.endswith(".pdf") and english.startswith("EEE")
    assert len(english) <= 150


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The file is 10,485,761 bytes; the largest accepted is 10,485,760 bytes"),
        ("ja", "10,485,761"),
    ],
)
def test_one_byte_over_says_two_different_sizes(settings, language, expected):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    upload = pdf_upload(content=PDF_BYTES.ljust(settings.UPLOAD_MAX_BYTES + 1, b" "))
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_upload(upload)
    message = refused.value.messages[0]
    assert expected in message
    assert "10,485,760" in message
