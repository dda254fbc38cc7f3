"""Requesting, claiming, rendering, failing and sweeping reports (no broker involved)."""

import threading
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from assessments import services as assessment_services
from reports import rendering, services, tasks
from reports.models import Report


def stored_files(media):
    return (
        sorted(p for p in (media / "reports").rglob("*.pdf"))
        if (media / "reports").exists()
        else []
    )


def test_an_unchanged_assessment_gets_its_ready_report_without_a_second_render(
    assessment, manager, queued, fake_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, created = services.request_report(assessment, "ja", user=manager)
    assert created and queued == [report.pk]
    services.render(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and len(fake_pdf) == 1

    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.request_report(assessment, "ja", user=manager)
    assert (again.pk, created) == (report.pk, False)
    assert queued == [report.pk] and len(fake_pdf) == 1

    # Another language, or a changed answer, is another report.
    other, created = services.request_report(assessment, "en", user=manager)
    assert created and other.pk != report.pk
    answer = assessment.answers.get(item__code="CON-04")
    answer.comment = "再確認した。"
    answer.save()
    changed, created = services.request_report(assessment, "ja", user=manager)
    assert created and changed.fingerprint != report.fingerprint


def test_a_report_on_its_way_is_not_asked_for_twice(assessment, manager, queued):
    first, created = services.request_report(assessment, "ja", user=manager)
    second, created_again = services.request_report(assessment, "ja", user=manager)
    assert created and not created_again and first.pk == second.pk


def test_the_fingerprint_follows_the_language_and_the_state(assessment):
    ja = services.content.fingerprint(assessment, "ja")
    assert ja == services.content.fingerprint(assessment, "ja")
    assert ja != services.content.fingerprint(assessment, "en")
    assessment.vendor.name = "株式会社べつの名前"
    assessment.vendor.save()
    assert ja != services.content.fingerprint(assessment, "ja")


@pytest.mark.django_db(transaction=True)
def test_two_workers_asked_to_render_the_same_report_render_it_once(
    assessment, manager, media, monkeypatch
):
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    renders = []
    start = threading.Barrier(2)
    refused = threading.Event()

    def slow_write_pdf(html, **_options):
        renders.append(threading.get_ident())
        refused.wait(10)  # the other worker has tried while this one holds the claim
        return b"%PDF-1.7\n%%EOF\n", 1

    monkeypatch.setattr(rendering, "write_pdf", slow_write_pdf)
    outcomes = []

    def worker():
        from django.db import connection

        start.wait()
        try:
            outcome = services.render(report.pk)
            outcomes.append(outcome)
            if not outcome.claimed:
                refused.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(renders) == 1
    assert sorted(o.claimed for o in outcomes) == [False, True]
    # The refused worker saw the claim held and looks again when its lease runs out.
    busy = next(o for o in outcomes if not o.claimed)
    assert services.lease_seconds() - 1 <= busy.retry_in <= services.lease_seconds() + 1
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.attempts == 1
    assert len(stored_files(media)) == 1


def test_a_claim_held_by_a_dead_worker_runs_out(assessment, manager, fake_pdf):
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    assert services.claim(report.pk).claimed
    busy = services.claim(report.pk)
    assert not busy.claimed and busy.retry_in >= services.lease_seconds() - 1
    Report.objects.filter(pk=report.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.render(report.pk).claimed
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.attempts == 2


def test_a_template_error_ends_in_failed_with_its_message(
    assessment, manager, settings, tmp_path, monkeypatch
):
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "broken_report.html").write_text("{% load i18n %}{% if %}{% endif %}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [broken, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    monkeypatch.setattr(rendering, "PDF_TEMPLATE", "broken_report.html")
    report = Report.objects.create(
        assessment=assessment, language="en", requested_by=manager, fingerprint="x"
    )

    assert tasks.render_report.apply(args=[report.pk]).get() == "failed"

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "TemplateSyntaxError" in report.error
    assert report.finished_at and not report.file
    entry = LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.UPDATE).first()
    assert entry and entry.changes["status"] == ["rendering", "failed"]


def test_transient_failures_are_retried_and_then_recorded(assessment, manager, monkeypatch):
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )

    def storage_down(*args, **kwargs):
        raise services.TransientError("storage unavailable")

    monkeypatch.setattr(services, "build", storage_down)
    result = tasks.render_report.apply(args=[report.pk], retries=tasks.MAX_RETRIES)
    assert result.get() == "failed"
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "storage unavailable" in report.error

    report2 = Report.objects.create(
        assessment=assessment, language="en", requested_by=manager, fingerprint="y"
    )
    # Eagerly, every retry runs at once: the claim is given back and taken again each time.
    assert tasks.render_report.apply(args=[report2.pk]).get() == "failed"
    report2.refresh_from_db()
    assert report2.status == Report.Status.FAILED
    assert report2.error == "Gave up after 5 attempts: storage unavailable"
    assert report2.attempts == tasks.MAX_RETRIES + 1


def test_the_backoff_is_bounded():
    assert [tasks.backoff(n) for n in range(6)] == [5, 10, 20, 40, 60, 60]


def test_the_sweep_requeues_or_fails_what_dead_workers_left_behind(assessment, manager, queued):
    old = timezone.now() - timedelta(seconds=5)
    stuck = Report.objects.create(
        assessment=assessment, language="ja", fingerprint="a", status="rendering", attempts=1
    )
    hopeless = Report.objects.create(
        assessment=assessment, language="en", fingerprint="b", status="rendering", attempts=3
    )
    never_queued = Report.objects.create(assessment=assessment, language="ja", fingerprint="c")
    fresh = Report.objects.create(assessment=assessment, language="en", fingerprint="d")
    Report.objects.filter(pk__in=[stuck.pk, hopeless.pk]).update(
        started_at=old, lease_expires_at=old
    )
    Report.objects.filter(pk__in=[never_queued.pk, fresh.pk]).update(
        requested_at=timezone.now() - timedelta(minutes=5)
    )
    Report.objects.filter(pk=fresh.pk).update(queued_at=timezone.now())

    assert services.sweep() == {"requeued": 2, "failed": 1}

    assert sorted(queued) == sorted([stuck.pk, never_queued.pk])
    assert Report.objects.get(pk=stuck.pk).status == Report.Status.PENDING
    hopeless.refresh_from_db()
    assert hopeless.status == Report.Status.FAILED and "3 times" in hopeless.error
    assert LogEntry.objects.get_for_object(hopeless).exists()


def test_a_failed_report_can_be_tried_again(
    assessment, manager, queued, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        assessment=assessment, language="ja", fingerprint="a", status="failed", error="boom"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry(report)
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING and report.error == "" and queued == [report.pk]
    assert not services.retry(report)  # only failed ones


def test_the_approval_changes_the_draft_mark(draft_assessment, staff, manager, fake_pdf):
    report, _created = services.request_report(draft_assessment, "ja", user=staff)
    assert report.draft
    assessment_services.apply_action(draft_assessment, "submit", user=staff)
    assessment_services.apply_action(draft_assessment, "begin_review", user=manager)
    assessment_services.apply_action(draft_assessment, "approve", user=manager)
    approved, created = services.request_report(draft_assessment, "ja", user=manager)
    assert created and not approved.draft


def test_a_claim_lasts_a_short_lease_not_the_whole_time_limit(assessment, manager, settings):
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    before = timezone.now()
    assert services.claim(report.pk).claimed
    report.refresh_from_db()
    held = (report.lease_expires_at - before).total_seconds()
    assert settings.REPORT_LEASE_SECONDS - 1 <= held <= settings.REPORT_LEASE_SECONDS + 1
    assert held < 15 < settings.REPORT_HARD_TIME_LIMIT


def test_a_heartbeat_pushes_the_lease_forward_while_the_claim_is_ours(assessment, manager):
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    assert services.claim(report.pk).claimed
    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(lease_expires_at=timezone.now())
    heartbeat = services.Heartbeat(report.pk, report.started_at)
    assert heartbeat.beat()
    renewed = Report.objects.get(pk=report.pk).lease_expires_at
    assert renewed > timezone.now() + timedelta(seconds=services.lease_seconds() - 2)

    # Another worker took the report over after our lease ran out: we stop beating.
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now())
    assert not heartbeat.beat()
    assert Report.objects.get(pk=report.pk).lease_expires_at == renewed


@pytest.mark.django_db(transaction=True)
def test_a_long_render_keeps_its_claim_alive(assessment, manager, fake_pdf, settings, monkeypatch):
    """The heartbeat thread (its own connection, hence a committed row) renews the lease
    while the render works, so nobody takes over a report that is still being rendered."""
    settings.REPORT_HEARTBEAT_SECONDS = 1
    settings.REPORT_LEASE_SECONDS = 3
    monkeypatch.setenv("REPORT_TEST_DELAY_S", "4.5")
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=manager, fingerprint="x"
    )
    seen = []
    beat = services.Heartbeat.beat

    def watched(self):
        seen.append(services.claim(report.pk).claimed)  # another worker tries meanwhile
        return beat(self)

    monkeypatch.setattr(services.Heartbeat, "beat", watched)
    assert services.render(report.pk).claimed
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.attempts == 1
    assert len(seen) >= 3 and not any(seen)  # past the 3-second lease, never taken over
    assert report.lease_expires_at > report.started_at + timedelta(seconds=4)
