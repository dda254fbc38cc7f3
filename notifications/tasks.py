"""Celery tasks: they take ids and call notifications.services."""

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name=services.SEND_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
    max_retries=services.MAX_ATTEMPTS,
    ignore_result=True,
)
def send_delivery(self, delivery_id: int) -> str:
    try:
        return services.deliver(delivery_id)
    except services.TransientError as error:
        # The delivery is back to pending with its next attempt time; come back then.
        # (Should this message be lost, the sweep sends it when that time comes.)
        row = services.Delivery.objects.filter(pk=delivery_id).values("attempts").first()
        attempts = row["attempts"] if row else 1
        countdown = int(services.backoff(attempts).total_seconds())
        raise self.retry(exc=error, countdown=countdown) from error
    except (OperationalError, InterfaceError) as error:
        logger.warning("Delivery %s not sent, the database is away: %s", delivery_id, error)
        raise self.retry(exc=error, countdown=30) from error
    except DatabaseError:
        logger.exception("Delivery %s cannot be sent", delivery_id)
        return "failed"


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders() -> dict:
    result = services.run_reminders()
    return {"recorded": result.recorded, "sent": result.sent, "digests": result.digests}


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    return services.sweep()
