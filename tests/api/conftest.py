"""The API's world: charlie's vendor with an assessment, a finding and a ready report,
dave's vendor, and a read and a write token for each of the fixed cast."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.tokens import issue_token
from assessments import services
from assessments.models import Finding
from questionnaires.checklists import install_default_checklist
from reports.models import Report
from vendors.models import Certification, Contact, Contract, Vendor

ROLES = ("assigned", "other", "manager", "admin")


class Api:
    """A test client that speaks to the API with one token."""

    def __init__(self, raw=None, language=None):
        self.client = Client()
        self.headers = {}
        if raw:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        if language:
            self.headers["HTTP_ACCEPT_LANGUAGE"] = language

    def __getattr__(self, method):
        def call(url, data=None, **extra):
            kwargs = {**self.headers, **extra}
            if method in ("get", "head"):
                return getattr(self.client, method)(url, data or {}, **kwargs)
            return getattr(self.client, method)(
                url, data or {}, content_type="application/json", **kwargs
            )

        return call


@pytest.fixture
def api_world(media, staff, other_staff, manager, admin_user):
    published = install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社エーピーアイ", owner=staff, personal_data=True)
    others = Vendor.objects.create(name="デイブの委託先", owner=other_staff)
    Certification.objects.create(vendor=vendor, kind="pmark", valid_until="2030-03-31")
    Contract.objects.create(vendor=vendor, kind="nda", title="NDA")
    Contact.objects.create(vendor=vendor, name="山田 太郎", email="yamada@example.co.jp")
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    item = assessment.version.items.get(code="CON-01")
    services.save_answer(assessment, item, value="no", user=staff)
    finding = Finding.objects.create(
        assessment=assessment, vendor=vendor, item=item, severity="critical", value=0
    )
    report = Report.objects.create(
        assessment=assessment,
        language="ja",
        requested_by=staff,
        fingerprint="f" * 64,
    )
    # A ready report has a file (a database rule): store the file, then mark it ready.
    report.file.save("api.pdf", ContentFile(b"%PDF-1.4 api report"), save=False)
    report.status = Report.Status.READY
    report.save()
    users = {"assigned": staff, "other": other_staff, "manager": manager, "admin": admin_user}
    tokens = {
        (role, scope): issue_token(user, name=f"{role} {scope}", scope=scope)[1]
        for role, user in users.items()
        for scope in ("read", "write")
    }
    return {
        "vendor": vendor,
        "others": others,
        "assessment": assessment,
        "item": item,
        "finding": finding,
        "report": report,
        "published": published,
        "users": users,
        "tokens": tokens,
    }


@pytest.fixture
def api(api_world):
    """api(role, scope="write", language=None) -> a client with that token."""

    def make(role, scope="write", language=None):
        return Api(api_world["tokens"][(role, scope)], language=language)

    return make
