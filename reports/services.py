"""Reports: asking for one, claiming and rendering it in a worker, failing it, and
sweeping up after workers that died.

Life of a report: pending -> rendering -> ready | failed. A worker claims a report with a
conditional update, so two workers never render the same one. A claim is a short lease
that the rendering worker renews every few seconds while it works (a heartbeat), so the
lease of a worker that was killed runs out within seconds, and the report is picked up
by the next delivery of its task or by the sweep (every few seconds) instead of after
the whole time limit.
"""

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from auditlog.models import LogEntry
from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import override
from kombu.exceptions import OperationalError as BrokerError

from assessments.models import Assessment

from . import content, rendering
from .models import IncidentReport, Report
from .signals import report_ready

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A pending report whose task was handed to the broker this long ago and never started
# has lost its message (a broker restart without persistence, say): queue it again.
PENDING_REQUEUE_AFTER = timedelta(minutes=10)
# A pending report that never reached the broker (it was down) is retried this soon.
UNQUEUED_REQUEUE_AFTER = timedelta(seconds=30)
ERROR_LIMIT = 2000
# Extra apply_async options; tests route tasks to a queue of their own.
ENQUEUE_OPTIONS: dict = {}


class TransientError(Exception):
    """A failure worth retrying: the database or the storage was briefly unavailable."""


def lease_seconds() -> int:
    """How long a claim holds without a heartbeat: a few missed beats mean the worker is
    gone. (The hard time limit still stops a render that runs too long.)"""
    return settings.REPORT_LEASE_SECONDS


class Heartbeat:
    """Renews the claim on a report every REPORT_HEARTBEAT_SECONDS while the render runs,
    from a thread of its own (with its own database connection). It stops by itself
    when the claim is no longer ours: another worker took the report over."""

    def __init__(self, report_id: int, started_at):
        self.report_id, self.started_at = report_id, started_at
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{report_id}")
        self.thread.daemon = True

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(settings.REPORT_HEARTBEAT_SECONDS + 5)

    def beat(self) -> bool:
        """Push the lease forward; False when the claim is no longer ours."""
        return bool(
            Report.objects.filter(
                pk=self.report_id, status=Report.Status.RENDERING, started_at=self.started_at
            ).update(lease_expires_at=timezone.now() + timedelta(seconds=lease_seconds()))
        )

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.REPORT_HEARTBEAT_SECONDS):
                try:
                    if not self.beat():
                        return
                except DatabaseError as error:  # the next beat tries again
                    logger.warning("Report %s heartbeat failed: %s", self.report_id, error)
        finally:
            connection.close()  # this thread's own connection


def request_report(assessment: Assessment, language: str, *, user) -> tuple[Report, bool]:
    """The report to show for this request, and whether it is new.

    An unchanged assessment (same fingerprint) gets its ready report, or the one already
    on its way, instead of a second render. A new report is queued once the transaction
    commits; ``report.queued_at`` stays empty when the broker could not be reached.
    Call it inside a transaction: it locks the assessment's row until the commit.
    """
    fingerprint = content.fingerprint(assessment, language)
    # Two requests at the same moment must not both find nothing and both create a
    # report: the assessment's row lock makes the second wait for the first to commit
    # and then find its report. (SQLite serialises writers anyway.)
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").get()
    existing = (
        Report.objects.filter(assessment=assessment, language=language, fingerprint=fingerprint)
        .filter(
            Q(status=Report.Status.READY) & ~Q(file="")
            | Q(status__in=[Report.Status.PENDING, Report.Status.RENDERING])
        )
        .order_by("-requested_at", "-pk")
        .first()
    )
    if existing:
        return existing, False
    report = Report.objects.create(
        assessment=assessment,
        language=language,
        requested_by=user,
        fingerprint=fingerprint,
        draft=assessment.status != Assessment.Status.APPROVED,
    )
    transaction.on_commit(lambda: enqueue(report))
    return report, True


RENDER_TASK = "reports.render_report"
RENDER_INCIDENT_TASK = "reports.render_incident_report"
# Assessment reports and incident reports share the pipeline; each model has its task.
PDF_MODELS = (Report, IncidentReport)


def _task_for(report) -> str:
    return RENDER_INCIDENT_TASK if isinstance(report, IncidentReport) else RENDER_TASK


def enqueue(report: Report) -> bool:
    """Hand the render task to the broker; False (and the report stays pending, for the
    sweep to queue again) when the broker cannot be reached."""
    # By name from Celery's registry (autodiscovery imports reports.tasks), so that
    # services never imports the tasks that import it.
    render_report = current_app.tasks[_task_for(report)]
    try:
        render_report.apply_async(
            args=[report.pk],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
            **ENQUEUE_OPTIONS,
        )
    except (BrokerError, OSError) as error:
        logger.warning("Report %s not queued, the broker is unreachable: %s", report.pk, error)
        return False
    report.queued_at = timezone.now()
    type(report).objects.filter(pk=report.pk).update(queued_at=report.queued_at)
    return True


@dataclass(frozen=True)
class Claim:
    claimed: bool
    # When not claimed and still in progress elsewhere: seconds until that lease runs out.
    retry_in: int | None = None


def claim(report_id: int, model=Report) -> Claim:
    """Take the report for rendering, if it is pending or its last claim has run out."""
    now = timezone.now()
    taken = (
        model.objects.filter(pk=report_id)
        .filter(
            Q(status=Report.Status.PENDING)
            | Q(status=Report.Status.RENDERING, lease_expires_at__lt=now)
        )
        .update(
            status=Report.Status.RENDERING,
            started_at=now,
            lease_expires_at=now + timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
        )
    )
    if taken:
        return Claim(True)
    row = model.objects.filter(pk=report_id).values("status", "lease_expires_at").first()
    if row and row["status"] == Report.Status.RENDERING and row["lease_expires_at"]:
        # Another worker is rendering it; look again when its lease runs out.
        left = (row["lease_expires_at"] - now).total_seconds()
        return Claim(False, retry_in=max(1, int(left) + 1))
    return Claim(False)  # ready, failed or deleted: nothing to do


def build(assessment: Assessment, language: str, *, generated_at=None):
    """(html, fingerprint) of the report of an assessment as it is now."""
    html, _answers, fingerprint = build_document(assessment, language, generated_at=generated_at)
    return html, fingerprint


def build_document(assessment: Assessment, language: str, *, generated_at=None):
    """(html, answers JSON to embed, fingerprint) of the report of an assessment now."""
    generated_at = generated_at or timezone.now()
    with override(language):
        fingerprint = content.fingerprint(assessment, language)
        context = content.report_context(
            assessment, language, fingerprint=fingerprint, generated_at=generated_at
        )
        html = rendering.render_html(context)
    return html, context["answers_json"], fingerprint


def render(report_id: int) -> Claim:
    """Claim and render one report, storing the PDF whole. Raises TransientError for
    failures worth retrying; anything else is a permanent failure for the caller."""
    outcome = claim(report_id)
    if not outcome.claimed:
        return outcome
    report = Report.objects.select_related("assessment__vendor", "assessment__version").get(
        pk=report_id
    )
    with Heartbeat(report.pk, report.started_at):
        delay = float(os.environ.get("REPORT_TEST_DELAY_S", "0") or 0)
        if delay and report.attempts == 1:
            # Tests and the bench only: widen the window in which a worker can be killed
            # mid-render (the render after the kill runs at full speed).
            time.sleep(delay)
        html, answers_json, fingerprint = build_document(report.assessment, report.language)
        pdf, pages = rendering.write_pdf(html, answers_json=answers_json)
    try:
        store(report, pdf, pages=pages, fingerprint=fingerprint)
    except OSError as error:
        raise TransientError(str(error)) from error
    return outcome


def store(report: Report, pdf: bytes, *, pages: int, fingerprint: str) -> None:
    """Save the PDF and mark the report ready, unless another worker finished it first."""
    name = report.file.field.generate_filename(report, "report.pdf")
    saved = report.file.storage.save(name, ContentFile(pdf))
    with transaction.atomic():
        updated = Report.objects.filter(
            pk=report.pk, status=Report.Status.RENDERING, started_at=report.started_at
        ).update(
            status=Report.Status.READY,
            file=saved,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            page_count=pages,
            fingerprint=fingerprint,
            draft=report.assessment.status != Assessment.Status.APPROVED,
            error="",
            finished_at=timezone.now(),
        )
    if not updated:
        # Our lease ran out and another worker took the report over: keep one file only.
        report.file.storage.delete(saved)
        return
    from core import events

    events.emit(
        "report.ready",
        key=f"report:{report.pk}:ready",
        payload={
            "report": report.pk,
            "assessment": report.assessment_id,
            "vendor": report.assessment.vendor_id,
            "language": report.language,
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    transaction.on_commit(lambda: report_ready.send(sender=Report, report=report))


def release(report_id: int, model=Report) -> None:
    """Give a claimed report back (before a retry), so the retry can claim it again."""
    model.objects.filter(pk=report_id, status=Report.Status.RENDERING).update(
        status=Report.Status.PENDING, started_at=None, lease_expires_at=None
    )


def fail(report_id: int, error: str, model=Report) -> None:
    """Record a final failure on the report and in the audit log."""
    now = timezone.now()
    updated = model.objects.filter(
        pk=report_id, status__in=[Report.Status.PENDING, Report.Status.RENDERING]
    ).update(status=Report.Status.FAILED, error=error[:ERROR_LIMIT], finished_at=now)
    if not updated:
        return
    report = model.objects.get(pk=report_id)
    LogEntry.objects.log_create(
        report,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"status": ["rendering", "failed"], "error": ["", error[:ERROR_LIMIT]]},
    )
    logger.error("Report %s failed: %s", report_id, error)


def retry(report: Report) -> bool:
    """Queue a failed report again (the retry button)."""
    reset = (
        type(report)
        .objects.filter(pk=report.pk, status=Report.Status.FAILED)
        .update(
            status=Report.Status.PENDING,
            error="",
            attempts=0,
            started_at=None,
            finished_at=None,
            queued_at=None,
        )
    )
    if not reset:
        return False
    report.refresh_from_db()
    transaction.on_commit(lambda: enqueue(report))
    return True


def sweep(now=None) -> dict:
    """Beat task body: re-queue or fail reports left rendering by a dead worker, and
    re-queue pending ones whose message never reached a worker."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    for model in PDF_MODELS:
        _sweep(model, now, counts)
    return counts


def _sweep(model, now, counts) -> None:
    stuck = model.objects.filter(status=Report.Status.RENDERING, lease_expires_at__lt=now)
    for report in stuck:
        if report.attempts >= MAX_ATTEMPTS:
            fail(report.pk, f"Rendering stopped {report.attempts} times without finishing.", model)
            counts["failed"] += 1
            continue
        released = model.objects.filter(
            pk=report.pk, status=Report.Status.RENDERING, started_at=report.started_at
        ).update(status=Report.Status.PENDING, started_at=None, lease_expires_at=None)
        if released and enqueue(report):
            counts["requeued"] += 1
    waiting = model.objects.filter(status=Report.Status.PENDING).filter(
        Q(queued_at__isnull=True, requested_at__lt=now - UNQUEUED_REQUEUE_AFTER)
        | Q(queued_at__lt=now - PENDING_REQUEUE_AFTER)
    )
    for report in waiting:
        if enqueue(report):
            counts["requeued"] += 1
