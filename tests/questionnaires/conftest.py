"""Fixtures for assessment tests: the shipped checklist, charlie's vendor, an assessment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from questionnaires.checklists import install_default_checklist
from vendors.models import Vendor

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社テスト", owner=staff)


@pytest.fixture
def assessment(vendor, staff, manager, version):
    return services.start_assessment(vendor, user=staff, reviewer=manager)


def pdf_upload(name="証跡.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def answer_all_required(assessment, user, *, skip=()):
    """Answer every item of the assessment the way a diligent vendor would."""
    for item in assessment.version.items.all():
        if item.code in skip:
            continue
        if item.answer_type == "yes_no":
            value = "yes"
        elif item.answer_type == "single_choice":
            value = item.choices[0]["value"]
        elif item.answer_type == "multi_choice":
            value = [item.choices[0]["value"]]
        elif item.answer_type == "number":
            value = 24
        elif item.answer_type == "date":
            value = "2030-03-31"
        else:
            value = "記述回答"
        services.save_answer(assessment, item, value=value, user=user)
