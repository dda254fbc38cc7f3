"""Webhook deliveries, following the report pipeline (reports/services.py): a delivery
row is stored first and queued once the transaction commits; a worker claims it with a
conditional update holding a lease, sends it once, and records the outcome; failures are
tried again with a bounded backoff until WEBHOOK_MAX_ATTEMPTS; the sweep re-queues what
a dead worker or a stopped broker left behind.

Every request is signed: ``X-DD-Signature: sha256=<hex>`` is HMAC-SHA256 with the
endpoint's secret over ``<X-DD-Timestamp>.<body>``. The receiver's address is resolved
and checked before each attempt (no loopback, private, link-local or reserved address
unless an administrator allowed it for that endpoint), the request goes to the address
that was checked, and redirects are not followed."""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from auditlog.models import LogEntry
from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import events

from .addresses import UnsafeAddress, check_url
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

DELIVER_TASK = "api.deliver_webhook"
ENQUEUE_OPTIONS: dict = {}  # tests route tasks to a queue of their own
PENDING_REQUEUE_AFTER = timedelta(minutes=10)
ERROR_LIMIT = 1000
LOG_LIMIT = 20


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def body_of(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    document = {
        "id": event.pk,
        "event": event.name,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def backoff(attempt: int) -> int:
    """Seconds before attempt ``attempt + 1``: doubling from WEBHOOK_BACKOFF_SECONDS,
    at most ten minutes."""
    return min(settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0), 600)


# Creating deliveries


@receiver(events.event_emitted, dispatch_uid="api.webhooks")
def _on_event(sender, event, key, payload, **kwargs):
    record_event(event, key=key, payload=payload)


def record_event(name: str, *, key: str, payload: dict) -> list[WebhookDelivery]:
    """Store the event once (by key) and a delivery for each endpoint that wants it."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if name in e.events]
    if not endpoints:
        return []
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(name=name, key=key[:200], payload=payload)
    except IntegrityError:
        return []  # announced before: no second delivery
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(endpoint=endpoint, event=event) for endpoint in endpoints
        ]
        for delivery in deliveries:
            transaction.on_commit(lambda d=delivery: enqueue(d))
    return deliveries


def enqueue(delivery: WebhookDelivery, countdown: int = 0) -> bool:
    task = current_app.tasks[DELIVER_TASK]
    try:
        task.apply_async(
            args=[delivery.pk],
            countdown=countdown,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
            **ENQUEUE_OPTIONS,
        )
    except (BrokerError, OSError) as error:
        logger.warning("Webhook delivery %s not queued: %s", delivery.pk, error)
        return False
    WebhookDelivery.objects.filter(pk=delivery.pk).update(queued_at=timezone.now())
    return True


# Sending


def lease_seconds() -> int:
    return settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 5


def claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=WebhookDelivery.Status.PENDING)
            | Q(status=WebhookDelivery.Status.SENDING, lease_expires_at__lt=now)
        )
        .update(
            status=WebhookDelivery.Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            lease_expires_at=now + timedelta(seconds=lease_seconds()),
        )
    )


def post(endpoint: WebhookEndpoint, body: bytes, headers: dict) -> int:
    """POST ``body`` to the endpoint at the address that was checked; the status code."""
    parts = urlsplit(endpoint.url)
    address = check_url(endpoint.url, allow_private=endpoint.allow_private_network)[0]
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = urllib3.Timeout(total=settings.WEBHOOK_TIMEOUT_SECONDS)
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    with pool:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host},
            redirect=False,
            preload_content=False,
        )
        response.read(64 * 1024)  # enough to finish the exchange; the rest is ignored
        response.release_conn()
        return response.status


def deliver(delivery_id: int) -> tuple[str, int | None]:
    """One attempt: ("delivered"|"retry"|"failed"|"skipped", seconds until the retry)."""
    if not claim(delivery_id):
        return "skipped", None
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "DueDiligence-Webhook/1",
        "X-DD-Event": delivery.event.name,
        "X-DD-Delivery": str(delivery.pk),
        "X-DD-Timestamp": timestamp,
        "X-DD-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    started = time.monotonic()
    code, error = None, ""
    try:
        code = post(delivery.endpoint, body, headers)
        if not 200 <= code < 300:
            error = f"HTTP {code}" + (" (redirects are not followed)" if 300 <= code < 400 else "")
    except UnsafeAddress as refused:
        error = str(refused)
    except (urllib3.exceptions.HTTPError, OSError) as failure:
        error = f"{type(failure).__name__}: {failure}"
    return record(delivery, code=code, error=error, ms=int((time.monotonic() - started) * 1000))


def record(delivery: WebhookDelivery, *, code, error: str, ms: int):
    now = timezone.now()
    entry = {"at": now.isoformat(), "code": code, "error": error[:ERROR_LIMIT], "ms": ms}
    fields = {
        "response_code": code,
        "error": error[:ERROR_LIMIT],
        "duration_ms": ms,
        "lease_expires_at": None,
        "log": [*delivery.log, entry][-LOG_LIMIT:],
    }
    mine = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=WebhookDelivery.Status.SENDING,
        last_attempt_at=delivery.last_attempt_at,
    )
    if not error:
        mine.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now, **fields)
        return "delivered", None
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        if mine.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None, **fields):
            LogEntry.objects.log_create(
                delivery.endpoint,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                changes={"delivery": [str(delivery.pk), f"failed: {error[:200]}"]},
            )
            logger.error("Webhook delivery %s failed: %s", delivery.pk, error)
        return "failed", None
    wait = backoff(delivery.attempts)
    mine.update(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at=now + timedelta(seconds=wait),
        **fields,
    )
    return "retry", wait


def resend(delivery: WebhookDelivery) -> bool:
    """Send a finished delivery again (the admin's re-send)."""
    reset = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status__in=[WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED],
    ).update(status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=None)
    if reset:
        transaction.on_commit(lambda: enqueue(delivery))
    return bool(reset)


def sweep(now=None) -> dict:
    """Beat task: queue again what a dead worker or a lost message left waiting."""
    now = now or timezone.now()
    counts = {"requeued": 0}
    stuck = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, lease_expires_at__lt=now
    )
    for delivery in stuck:
        if WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.SENDING, lease_expires_at__lt=now
        ).update(status=WebhookDelivery.Status.PENDING, lease_expires_at=None):
            counts["requeued"] += enqueue(delivery)
    waiting = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(queued_at__isnull=True)
        | Q(next_attempt_at__lt=now - PENDING_REQUEUE_AFTER)
        | Q(next_attempt_at__isnull=True, queued_at__lt=now - PENDING_REQUEUE_AFTER)
    )
    for delivery in waiting:
        counts["requeued"] += enqueue(delivery)
    return counts


def announce_overdue_findings(today=None) -> int:
    """finding.overdue once per finding and due date (the key makes it once)."""
    from assessments.models import Finding

    today = today or timezone.localdate()
    overdue = Finding.objects.filter(
        due_date__lt=today, status__in=[Finding.Status.OPEN, Finding.Status.PLANNED]
    ).values("pk", "vendor_id", "assessment_id", "due_date", "severity", "status")
    count = 0
    for row in overdue.iterator():
        count += bool(
            record_event(
                "finding.overdue",
                key=f"finding:{row['pk']}:overdue:{row['due_date'].isoformat()}",
                payload={
                    "finding": row["pk"],
                    "vendor": row["vendor_id"],
                    "assessment": row["assessment_id"],
                    "due_date": row["due_date"].isoformat(),
                    "severity": row["severity"],
                    "status": row["status"],
                },
            )
        )
    return count
