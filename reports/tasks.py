"""Celery tasks: they take ids and call reports.services."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from . import incident_pdf, services
from .models import IncidentReport, Report

logger = logging.getLogger(__name__)

MAX_RETRIES = 4


def backoff(retries: int) -> int:
    """5, 10, 20, 40 seconds: bounded, so a report is never lost in a long wait."""
    return min(5 * 2**retries, 60)


@shared_task(
    bind=True,
    name=services.RENDER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_HARD_TIME_LIMIT,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def render_report(self, report_id: int) -> str:
    return _run(self, report_id, services.render, Report)


@shared_task(
    bind=True,
    name=services.RENDER_INCIDENT_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_HARD_TIME_LIMIT,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def render_incident_report(self, report_id: int) -> str:
    return _run(self, report_id, incident_pdf.render, IncidentReport)


def _run(self, report_id: int, render, model) -> str:
    """One delivery of a render task, whatever the kind of PDF: claim, render, store;
    retry what is transient, fail the rest on the row and in the audit log."""
    try:
        outcome = render(report_id)
    except SoftTimeLimitExceeded:
        services.fail(
            report_id,
            f"Rendering took longer than {settings.REPORT_SOFT_TIME_LIMIT} seconds and was stopped.",
            model,
        )
        return "failed"
    except (services.TransientError, OperationalError, InterfaceError) as error:
        # The database or the storage was briefly away: give the claim back and try later.
        try:
            services.release(report_id, model)
        except DatabaseError:
            logger.warning("Report %s could not be released; the sweep will", report_id)
        if self.request.retries >= self.max_retries:
            services.fail(
                report_id, f"Gave up after {self.request.retries + 1} attempts: {error}", model
            )
            return "failed"
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error
    except Exception as error:
        logger.exception("Report %s cannot be rendered", report_id)
        services.fail(report_id, f"{type(error).__name__}: {error}", model)
        return "failed"
    if outcome.claimed:
        return "ready"
    if outcome.retry_in:
        # Another worker holds the report; come back when its lease runs out, in case
        # that worker died. Does not count against the retries for failures.
        raise self.retry(countdown=outcome.retry_in, max_retries=self.request.retries + 1)
    return "skipped"


@shared_task(name="reports.sweep_reports", ignore_result=True)
def sweep_reports() -> dict:
    return services.sweep()
