"""Rules the database holds for reports, and what retention leaves of one."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.models import Report
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_ready_report_without_a_file(assessment, manager, media):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(assessment=assessment, status=Report.Status.READY)
    ready = ReportFactory(assessment=assessment, ready=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=ready.pk).update(file="")
    assert Report.objects.get().file == ready.file


@pytest.mark.parametrize("status", [Report.Status.READY, Report.Status.FAILED])
def test_retention_marks_a_report_purged_and_deletes_its_file(assessment, media, status):
    report = ReportFactory(assessment=assessment, ready=True, status=status)
    name, storage = report.file.name, report.file.storage
    report.purge()
    report.refresh_from_db()
    assert (report.status, report.file.name) == (Report.Status.PURGED, "")
    assert not storage.exists(name) and report.is_finished and not report.is_downloadable


@pytest.mark.parametrize("language", ["ja", "en"])
def test_report_lists_say_the_file_was_deleted_after_retention(
    client, manager, assessment, media, language
):
    report = ReportFactory(assessment=assessment, ready=True)
    report.purge()
    client.force_login(manager)
    client.cookies["django_language"] = language
    with translation.override(language):
        label = gettext("File deleted after the retention period")
    assert label != "" and (language == "en") == (label.startswith("File deleted"))
    pages = [
        reverse("reports:index"),
        reverse("reports:detail", args=[report.pk]),
        assessment.vendor.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'data-status="purged"' in html and label in html, url
        assert reverse("reports:download", args=[report.pk]) not in html, url
        assert 'hx-trigger="every 2s"' not in html, url
