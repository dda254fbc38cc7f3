import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import PDF_BYTES, CertificationFactory, VendorFactory, pdf_upload
from vendors.models import Certification, StoredFile
from vendors.uploads import clean_filename, validate_upload

from .conftest import image_bytes


def png_of_size(width, height):
    """A real 1-bit black PNG, tiny on disk however many pixels it claims."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def png_bomb():
    return png_of_size(20_000, 20_000)  # 400 megapixels in ~50 KB


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("certificate.pdf", PDF_BYTES, "application/pdf", ".pdf"),
        ("scan.png", image_bytes("PNG"), "image/png", ".png"),
        ("scan.jpg", image_bytes("JPEG"), "image/jpeg", ".jpg"),
        ("scan.pdf", image_bytes("PNG"), "image/png", ".png"),  # content decides, not the name
    ],
)
def test_it_accepts_pdf_png_and_jpeg_by_content(name, content, content_type, extension):
    assert validate_upload(SimpleUploadedFile(name, content)) == (content_type, extension)


def _refusal(upload):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload)
    return error.value.code


def test_it_refuses_a_text_file_named_pdf():
    assert _refusal(SimpleUploadedFile("evil.pdf", b"#!/bin/sh\nrm -rf /\n")) == "file_type"


def test_it_refuses_html_posing_as_an_image():
    assert _refusal(SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>")) == "file_type"


def test_it_refuses_an_empty_file():
    assert _refusal(SimpleUploadedFile("empty.pdf", b"")) == "file_empty"


def test_it_refuses_an_oversize_file(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    assert validate_upload(pdf_upload(content=PDF_BYTES.ljust(1024, b" ")))
    assert _refusal(pdf_upload(content=PDF_BYTES.ljust(1025, b" "))) == "file_too_large"


def test_it_refuses_a_decompression_bomb_png(png_bomb):
    assert len(png_bomb) < 200_000
    assert _refusal(SimpleUploadedFile("bomb.png", png_bomb)) == "image_bomb"


def test_it_refuses_an_image_over_its_own_pixel_limit():
    # 49 megapixels: below Pillow's own warning, above what we accept.
    assert _refusal(SimpleUploadedFile("big.png", png_of_size(7_000, 7_000))) == "image_bomb"


def test_it_refuses_a_broken_png():
    broken = image_bytes("PNG")[:40]
    assert _refusal(SimpleUploadedFile("broken.png", broken)) == "image_broken"


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
        ("ISO認証書.pdf", "ISO認証書.pdf"),
        ("evil\x00name\r\n.pdf", "evilname.pdf"),
        ("...", "file"),
        ("", "file"),
    ],
)
def test_clean_filename(given, cleaned):
    assert clean_filename(given) == cleaned


# Through the certification form view ------------------------------------------------


@pytest.fixture
def vendor(staff):
    return VendorFactory(owner=staff)


def post_certificate(client, vendor, upload, **extra):
    data = {
        "kind": "iso27001",
        "registration_number": "IS 123456",
        "certification_body": "認証機関株式会社",
        "valid_until": "2030-03-31",
        "evidence_file": upload,
        **extra,
    }
    return client.post(reverse("vendors:certification_create", args=[vendor.pk]), data)


def download(client, vendor, cert):
    return client.get(reverse("vendors:part_file", args=[vendor.pk, "certifications", cert.pk]))


def test_japanese_file_name_round_trips_through_the_download(client, staff, vendor, media):
    client.force_login(staff)
    response = post_certificate(client, vendor, pdf_upload("ISO認証書.pdf"))
    assert response.status_code == 302
    cert = Certification.objects.get(vendor=vendor)
    assert cert.evidence.original_name == "ISO認証書.pdf"

    response = download(client, vendor, cert)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''ISO%E8%AA%8D%E8%A8%BC%E6%9B%B8.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    response.close()


def test_a_traversing_name_is_stored_under_a_random_name_in_media(
    client, staff, vendor, media, tmp_path
):
    client.force_login(staff)
    response = post_certificate(client, vendor, pdf_upload("../../etc/passwd.pdf"))
    assert response.status_code == 302
    stored = Certification.objects.get(vendor=vendor).evidence
    assert stored.original_name == "passwd.pdf"
    assert re.fullmatch(rf"vendors/{vendor.pk}/[0-9a-f]{{32}}\.pdf", stored.storage_name)
    path = (media / stored.storage_name).resolve()
    assert path.is_relative_to(media.resolve())
    assert path.read_bytes() == PDF_BYTES
    assert stored.size == len(PDF_BYTES)
    assert stored.uploaded_by == staff
    assert not (tmp_path / "etc").exists()
    assert not Path("/etc/passwd.pdf").exists()


def test_two_uploads_of_the_same_name_do_not_collide(client, staff, vendor, media):
    client.force_login(staff)
    post_certificate(client, vendor, pdf_upload("same.pdf"))
    post_certificate(
        client, vendor, pdf_upload("same.pdf"), kind="pmark", registration_number="10820123(01)"
    )
    names = set(StoredFile.objects.values_list("storage_name", flat=True))
    assert len(names) == 2


@pytest.mark.parametrize(
    ("who", "status"), [("other_staff", 404), ("manager", 200), ("staff", 200)]
)
def test_download_needs_access_to_the_vendor(client, request, vendor, media, staff, who, status):
    client.force_login(staff)
    post_certificate(client, vendor, pdf_upload("ISO認証書.pdf"))
    cert = Certification.objects.get(vendor=vendor)
    client.force_login(request.getfixturevalue(who))
    response = download(client, vendor, cert)
    assert response.status_code == status
    if status == 200:
        response.close()


def test_a_certificate_without_evidence_has_no_download(client, staff, vendor, media):
    cert = CertificationFactory(vendor=vendor)
    client.force_login(staff)
    assert download(client, vendor, cert).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("evil.pdf", b"just text, honestly"),
            "Only PDF, PNG and JPEG files are accepted; this file's content is none of them.",
        ),
        (
            SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\nnot really"),
            "This image file is damaged or is not really a PNG or JPEG.",
        ),
    ],
    ids=["text-as-pdf", "broken-png"],
)
def test_refused_upload_rerenders_the_form_with_the_message_and_values(
    client, staff, vendor, media, upload, message
):
    client.force_login(staff)
    response = post_certificate(client, vendor, upload)
    assert response.status_code == 200
    with translation.override("ja"):
        expected = gettext(message)
    page = response.content.decode()
    assert escape(expected) in page
    assert 'value="IS 123456"' in page
    assert 'value="認証機関株式会社"' in page
    assert 'value="2030-03-31"' in page
    assert '<option value="iso27001" selected>' in page
    assert not Certification.objects.exists()
    assert not StoredFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_oversize_upload_is_refused_in_the_form(client, staff, vendor, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(staff)
    response = post_certificate(client, vendor, pdf_upload(content=PDF_BYTES.ljust(2048, b" ")))
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["evidence_file"][0]
        .startswith(
            gettext(
                "The file is %(size)s bytes; the largest accepted is %(limit)s bytes (%(readable)s)."
            ).split("%")[0]
        )
    )
    assert not Certification.objects.exists()


def test_bomb_upload_is_refused_in_the_form(client, staff, vendor, media, png_bomb):
    client.force_login(staff)
    response = post_certificate(client, vendor, SimpleUploadedFile("bomb.png", png_bomb))
    assert response.status_code == 200
    with translation.override("ja"):
        expected = gettext("This image is too large in pixels to be processed safely.")
    assert escape(expected) in response.content.decode()
    assert not StoredFile.objects.exists()


def test_editing_a_certificate_keeps_its_evidence_when_no_new_file_comes(
    client, staff, vendor, media
):
    client.force_login(staff)
    post_certificate(client, vendor, pdf_upload("ISO認証書.pdf"))
    cert = Certification.objects.get(vendor=vendor)
    response = client.post(
        reverse("vendors:certification_edit", args=[vendor.pk, cert.pk]),
        {"kind": "iso27001", "registration_number": "IS 999", "valid_until": "2031-03-31"},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.registration_number == "IS 999"
    assert cert.evidence.original_name == "ISO認証書.pdf"
