"""Fixtures for report tests: an approved assessment of charlie's vendor with every item
answered and commented, private storage in a temporary directory, and a Celery queue
of the test's own on the real Redis, so no other worker takes its tasks."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from questionnaires.checklists import install_default_checklist
from reports import services
from reports.models import Report
from tests.factories import ReportFactory, answer_everything, pdf_upload
from vendors.models import Certification, Vendor
from vendors.uploads import store_upload

USER_HTML = '<img src="http://127.0.0.1:1/x">'
VENDOR_NAME = "株式会社テスト電話代行"


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    vendor = Vendor.objects.create(
        name=VENDOR_NAME, name_en="Test Call Answering K.K.", owner=staff, engagement="顧客窓口"
    )
    Certification.objects.create(
        vendor=vendor,
        kind="pmark",
        registration_number="10820123",
        valid_until=timezone.localdate() + timedelta(days=400),
    )
    return vendor


def answer_items(assessment, user):
    """Every item answered with a comment, user HTML in the texts; CON-04 answered "no"
    (a finding)."""
    answer_everything(
        assessment,
        user,
        {"CON-04": "no"},
        comment=f"確認済み {{code}} {USER_HTML}",
        text=f"記述回答 {USER_HTML}",
    )


@pytest.fixture
def assessment(vendor, staff, manager, version, media):
    """Approved, with a weak CON-04 (a finding) and evidence on CON-01."""
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_items(assessment, staff)
    con01 = assessment.answers.get(item__code="CON-01")
    con01.evidence.add(
        store_upload(pdf_upload("秘密保持契約書.pdf"), folder="evidence", user=staff)
    )
    assessment_services.apply_action(assessment, "submit", user=staff)
    assessment_services.apply_action(assessment, "begin_review", user=manager)
    assessment_services.apply_action(assessment, "approve", user=manager, comment="承認します。")
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def draft_assessment(vendor, staff, manager, version, media):
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_items(assessment, staff)
    return assessment


@pytest.fixture
def fake_pdf(monkeypatch):
    """Stand-in for WeasyPrint where the test is about the pipeline, not the PDF."""
    calls = []

    def write_pdf(html, **_options):
        calls.append(html)
        return b"%PDF-1.7\n% fake\n%%EOF\n", 3

    monkeypatch.setattr("reports.rendering.write_pdf", write_pdf)
    return calls


@pytest.fixture
def queued(monkeypatch):
    """Record enqueues instead of talking to a broker."""
    sent = []

    def enqueue(report):
        sent.append(report.pk)
        report.queued_at = timezone.now()
        Report.objects.filter(pk=report.pk).update(queued_at=report.queued_at)
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    return sent


@pytest.fixture
def test_queue(redis_url, monkeypatch):
    """A Celery queue of this test's own, deleted afterwards."""
    import redis

    name = f"reports-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(services, "ENQUEUE_OPTIONS", {"queue": name})
    yield name
    client = redis.Redis.from_url(redis_url)
    client.delete(name)
    client.close()


def make_ready_report(assessment, user, *, language="ja", content=b"%PDF-1.7\n%%EOF\n"):
    return ReportFactory(
        assessment=assessment, language=language, requested_by=user, ready=True, content=content
    )
