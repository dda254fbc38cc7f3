"""A manager asks for the Japanese PDF, watches it become ready and downloads it."""

import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments import services as assessment_services
from questionnaires.checklists import install_default_checklist
from reports import services
from reports.models import Report
from tests.reports.conftest import VENDOR_NAME, answer_items
from tests.reports.test_workers import worker_thread
from vendors.models import Vendor

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_url, monkeypatch):
    """A real worker on the real Redis, on a queue of this test's own."""
    queue = f"reports-browser-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(services, "ENQUEUE_OPTIONS", {"queue": queue})
    with worker_thread(queue):
        yield queue


@pytest.fixture
def approved(staff, manager, media):
    install_default_checklist()
    vendor = Vendor.objects.create(name=VENDOR_NAME, name_en="Test Call K.K.", owner=staff)
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    answer_items(assessment, staff)
    assessment_services.apply_action(assessment, "submit", user=staff)
    assessment_services.apply_action(assessment, "begin_review", user=manager)
    assessment_services.apply_action(assessment, "approve", user=manager)
    return assessment


def test_manager_gets_the_japanese_pdf_without_reloading(page, manager, approved, worker, tmp_path):
    log_in(page, manager.username)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:detail", args=[approved.pk]))
    with page.expect_navigation():
        page.click("[data-testid=request-report-ja]")
    report = Report.objects.get()
    status = page.locator(f"#report-status-{report.pk}")
    assert status.get_attribute("hx-trigger") == "every 2s"  # polled, not reloaded

    download_link = page.locator(f"[data-testid=download-{report.pk}]")
    download_link.wait_for(timeout=90_000)
    screenshot(page, "report-ready")
    with page.expect_download() as download_info:
        download_link.click()
    path = tmp_path / "downloaded.pdf"
    download_info.value.save_as(path)

    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert path.read_bytes()[:5] == b"%PDF-"
    assert len(PdfReader(path).pages) == report.page_count >= 8
    assert VENDOR_NAME in download_info.value.suggested_filename
