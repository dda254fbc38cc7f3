import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from tests.conftest import make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def assigned_staff(db):
    """Procurement staff assigned to (but not owning) charlie's vendor."""
    return make_user("frank", roles.PROCUREMENT, last_name="担当", first_name="フランク")


def pdf_upload(name="certificate.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image_bytes(fmt, size=(8, 8), mode="RGB"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=fmt)
    return buffer.getvalue()
