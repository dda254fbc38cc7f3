"""The portal's cast: a vendor with an invited contact, a colleague of theirs who was
not invited, and the contact of another vendor with an invitation of their own."""

import re

import pytest
from django.core import mail
from django.test import Client

from assessments import services as assessment_services
from portal import services
from questionnaires.checklists import install_default_checklist
from vendors.models import Contact, Vendor

CODE = re.compile(r"\b(\d{6})\b")
LINK = re.compile(r"https?://\S+/portal/i/[A-Za-z0-9_\-]+/")


@pytest.fixture
def checklist(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社ポータル", name_en="Portal Ltd.", owner=staff)


@pytest.fixture
def contact(vendor):
    return Contact.objects.create(vendor=vendor, name="山田 太郎", email="yamada@portal.example")


def start_unanswered(vendor, staff, manager):
    """A new assessment with no answer yet: the scope answers the intake fills in at the
    start are taken away (tests/assessments/test_intake_prefill.py covers them)."""
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    assessment.answers.filter(from_intake=True).delete()
    return assessment


@pytest.fixture
def assessment(checklist, vendor, staff, manager):
    return start_unanswered(vendor, staff, manager)


@pytest.fixture
def invited(assessment, contact, staff, media):
    """(invitation, token) for the CON and INC sections."""
    return services.invite(
        assessment, user=staff, contact=contact, sections=["CON", "INC"], message="よろしく"
    )


def last_code(address: str) -> str:
    for message in reversed(mail.outbox):
        if any(address in to for to in message.to) and CODE.search(message.body):
            return CODE.search(message.body).group(1)
    raise AssertionError(f"no code e-mailed to {address}")


def open_portal(token: str, *, email: str, client: Client | None = None) -> Client:
    """A browser that followed the link and entered the e-mailed code."""
    client = client or Client()
    response = client.get(f"/portal/i/{token}/")
    assert response.status_code == 302, response.status_code
    response = client.post("/portal/code/", {"code": last_code(email)})
    assert response.status_code == 302 and response.url == "/portal/", response.status_code
    return client


@pytest.fixture
def portal(invited, contact):
    return open_portal(invited[1], email=contact.email)
