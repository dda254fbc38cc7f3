"""Request, status, download and retry: who may, what they see, what is logged."""

from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from kombu.exceptions import OperationalError

from reports.models import Report

from .conftest import VENDOR_NAME, make_ready_report

# who -> expected status for a report of charlie's vendor
ACCESS = {"manager": 200, "staff": 200, "admin_user": 200, "other_staff": 404, "no_role_user": 403}


@pytest.fixture
def ready(assessment, manager):
    return make_ready_report(assessment, manager)


def as_user(client, request, who):
    client.force_login(request.getfixturevalue(who))
    return client


@pytest.mark.parametrize("who", ACCESS)
def test_request_access(client, request, assessment, queued, who):
    as_user(client, request, who)
    response = client.post(reverse("reports:request", args=[assessment.pk]), {"language": "ja"})
    expected = 302 if ACCESS[who] == 200 else ACCESS[who]
    assert response.status_code == expected
    assert Report.objects.exists() == (expected == 302)


@pytest.mark.parametrize("who", ACCESS)
def test_status_access(client, request, ready, who):
    as_user(client, request, who)
    assert client.get(reverse("reports:status", args=[ready.pk])).status_code == ACCESS[who]


@pytest.mark.parametrize("who", ACCESS)
def test_download_access(client, request, ready, who):
    as_user(client, request, who)
    response = client.get(reverse("reports:download", args=[ready.pk]))
    assert response.status_code == ACCESS[who]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists() == (ACCESS[who] == 200)


@pytest.mark.parametrize(
    ("name", "method"),
    [("request", "get"), ("status", "post"), ("download", "post"), ("retry", "get")],
)
def test_wrong_method_is_405(client, manager, ready, name, method):
    client.force_login(manager)
    pk = ready.assessment_id if name == "request" else ready.pk
    assert getattr(client, method)(reverse(f"reports:{name}", args=[pk])).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, ready):
    for name in ("status", "download", "detail"):
        response = client.get(reverse(f"reports:{name}", args=[ready.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_download_sends_the_pdf_under_the_vendors_japanese_name_and_is_audited(
    client, manager, ready
):
    client.force_login(manager)
    response = client.get(reverse("reports:download", args=[ready.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(VENDOR_NAME)}" in disposition
    assert disposition.isascii()
    assert response["Cache-Control"] == "private, no-store"
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == manager and entry.remote_addr == "10.1.2.3"
    assert entry.object_pk == str(ready.pk)
    assert entry.additional_data["vendor_id"] == ready.assessment.vendor_id


def test_a_report_not_ready_cannot_be_downloaded(client, manager, assessment):
    report = Report.objects.create(assessment=assessment, language="ja", fingerprint="x")
    client.force_login(manager)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_the_status_fragment_polls_until_finished(client, manager, assessment, ready):
    pending = Report.objects.create(assessment=assessment, language="en", fingerprint="x")
    client.force_login(manager)
    body = client.get(reverse("reports:status", args=[pending.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in body and "<script" not in body
    body = client.get(reverse("reports:status", args=[ready.pk])).content.decode()
    assert "hx-trigger" not in body
    assert reverse("reports:download", args=[ready.pk]) in body


def test_a_failed_report_shows_its_error_and_a_retry_button(
    client, manager, assessment, queued, django_capture_on_commit_callbacks
):
    failed = Report.objects.create(
        assessment=assessment, language="ja", fingerprint="x", status="failed", error="Boom!"
    )
    client.force_login(manager)
    body = client.get(reverse("reports:status", args=[failed.pk])).content.decode()
    assert "Boom!" in body and reverse("reports:retry", args=[failed.pk]) in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Report.Status.PENDING and queued == [failed.pk]


def test_an_unreachable_broker_is_said_clearly_and_the_report_stays_pending(
    client, manager, assessment, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("reports.tasks.render_report.apply_async", unreachable)
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("reports:request", args=[assessment.pk]), {"language": "ja"}, follow=True
    )
    assert "cannot be reached" in response.content.decode()
    report = Report.objects.get()
    assert report.status == Report.Status.PENDING and report.queued_at is None
    body = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "cannot be reached" in body and 'hx-trigger="every 2s"' in body


def test_asking_again_for_an_unchanged_assessment_returns_the_ready_pdf(
    client, manager, assessment, queued
):
    ready = make_ready_report(assessment, manager)
    client.force_login(manager)
    response = client.post(
        reverse("reports:request", args=[assessment.pk]), {"language": "ja"}, follow=True
    )
    assert Report.objects.count() == 1 and queued == []
    assert reverse("reports:download", args=[ready.pk]) in response.content.decode()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_unknown_language_is_refused_with_a_message(
    client, manager, assessment, queued, language
):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("reports:request", args=[assessment.pk]), {"language": "fr"}, follow=True
    )
    assert not Report.objects.exists()
    # The message in the reader's language, as the page prints it (the language switch
    # prints 日本語 and English on every page, so neither word alone proves anything).
    with translation.override(language):
        message = escape(gettext("Choose Japanese or English for the report."))
    assert message in response.content.decode()


def test_the_assessment_page_offers_the_pdf_and_lists_its_reports(client, staff, ready):
    client.force_login(staff)
    body = client.get(reverse("assessments:detail", args=[ready.assessment_id])).content.decode()
    assert 'data-testid="request-report-ja"' in body and 'data-testid="request-report-en"' in body
    assert reverse("reports:download", args=[ready.pk]) in body


def test_the_vendor_page_lists_its_reports(client, staff, ready):
    client.force_login(staff)
    body = client.get(ready.assessment.vendor.get_absolute_url()).content.decode()
    assert reverse("reports:download", args=[ready.pk]) in body


def test_the_reports_page_lists_only_visible_reports(
    client, manager, other_staff, ready, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("reports:index")).content.decode()
    assert VENDOR_NAME in body and reverse("reports:download", args=[ready.pk]) in body
    client.force_login(other_staff)
    body = client.get(reverse("reports:index")).content.decode()
    assert VENDOR_NAME not in body


def test_the_report_page_shows_its_details(client, manager, ready):
    client.force_login(manager)
    response = client.get(ready.get_absolute_url())
    assert response.status_code == 200 and ready.fingerprint in response.content.decode()


def test_retention_purge_deletes_the_pdf_and_keeps_the_record(ready):
    name = ready.file.name
    storage = ready.file.storage
    ready.file.delete(save=False)
    ready.purge()
    ready.refresh_from_db()
    assert not ready.file and not storage.exists(name) and not ready.is_downloadable
