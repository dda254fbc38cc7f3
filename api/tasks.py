"""Celery tasks of the webhooks: they take ids and call api.webhooks."""

from celery import shared_task
from django.conf import settings

from . import webhooks


@shared_task(
    bind=True,
    name=webhooks.DELIVER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self, delivery_id: int) -> str:
    outcome, wait = webhooks.deliver(delivery_id)
    if outcome == "retry":
        # Attempts are counted on the row; Celery's own count only bounds the loop.
        raise self.retry(countdown=wait, max_retries=settings.WEBHOOK_MAX_ATTEMPTS + 1)
    return outcome


@shared_task(name="api.sweep_webhooks", ignore_result=True)
def sweep_webhooks() -> dict:
    return webhooks.sweep()


@shared_task(name="api.emit_overdue_findings", ignore_result=True)
def emit_overdue_findings() -> int:
    return webhooks.announce_overdue_findings()
