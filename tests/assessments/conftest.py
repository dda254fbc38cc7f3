"""Fixtures for assessment tests: the shipped checklist, charlie's vendor, an assessment."""

import pytest

from assessments import services
from questionnaires.checklists import install_default_checklist
from vendors.models import Vendor


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社テスト", owner=staff)


@pytest.fixture
def assessment(vendor, staff, manager, version):
    """A new assessment with no answer yet: the scope answers the intake fills in at the
    start are taken away (tests/assessments/test_intake_prefill.py covers them)."""
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    assessment.answers.filter(from_intake=True).delete()
    return assessment
