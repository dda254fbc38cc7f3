"""Recording and sending notifications.

Life of a delivery: pending -> sending -> sent | failed (or in_app, for a user with no
e-mail address). ``notify`` and ``run_reminders`` record deliveries under the unique
rule (kind, object, recipient, step), so a second run records nothing; a sender claims
a delivery with a conditional update and a lease, like ``reports.services.claim``, so
two senders never send the same one; a refused SMTP delivery goes back to pending with
a growing delay, and after MAX_ATTEMPTS it is failed with the reason.
"""

import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from auditlog.models import LogEntry
from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from kombu.exceptions import OperationalError as BrokerError

from . import registry
from .models import Channel, Delivery, Notification, Preference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)
ERROR_LIMIT = 2000
SEND_TASK = "notifications.send_delivery"
# Failures worth another try: the server refused for now, or could not be reached.
TRANSIENT = (smtplib.SMTPException, OSError)


class TransientError(Exception):
    """The SMTP server refused or was unreachable; the delivery waits for a retry."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes after the 1st, 2nd, ... failure: bounded, never lost in a wait."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


# --- recording ---


@dataclass(frozen=True)
class Planned:
    """A message that would be recorded (what --dry-run lists)."""

    kind: str
    object_key: str
    recipient_key: str
    email: str
    step: str
    channel: str


def _preferences(kind: registry.EventKind, user_ids) -> dict:
    if not user_ids:
        return {}
    rows = Preference.objects.filter(kind=kind.code, user_id__in=user_ids)
    return dict(rows.values_list("user_id", "channel"))


def channel_for(kind: registry.EventKind, recipient: registry.Recipient, chosen: str | None):
    if recipient.channel:
        return recipient.channel
    channel = chosen or kind.default_channel
    if channel == Channel.OFF and not kind.can_disable:
        return Channel.IMMEDIATE
    return channel


def plan(kind: registry.EventKind, occurrences, *, step: str = "") -> list[tuple]:
    """(occurrence, recipient, channel, step) for every message of these occurrences,
    with the registered extra recipients and each user's preference, in a fixed number
    of queries; off leaves a recipient out."""
    occurrences = list(occurrences)
    if not occurrences:
        return []
    extra: dict[str, list] = {}
    for hook in registry.recipient_hooks(kind.code):
        for object_key, recipient in hook(occurrences):
            extra.setdefault(object_key, []).append(recipient)
    pairs = []
    for occurrence in occurrences:
        seen = set()
        for recipient in [*occurrence.recipients, *extra.get(occurrence.object_key, ())]:
            if recipient.key in seen:
                continue
            seen.add(recipient.key)
            pairs.append((occurrence, recipient))
    chosen = _preferences(kind, {r.user.pk for _o, r in pairs if r.user is not None})
    planned = []
    for occurrence, recipient in pairs:
        channel = channel_for(
            kind, recipient, chosen.get(recipient.user.pk) if recipient.user else None
        )
        if channel == Channel.OFF:
            continue
        planned.append((occurrence, recipient, channel, step or occurrence.step))
    return planned


def _existing(kind_code: str, rows) -> set:
    keys = {(o.object_key, r.key, s) for o, r, _c, s in rows}
    if not keys:
        return set()
    found = Delivery.objects.filter(
        kind=kind_code, object_key__in={k[0] for k in keys}, step__in={k[2] for k in keys}
    ).values_list("object_key", "recipient_key", "step")
    return set(found) & keys


def record(kind: registry.EventKind, occurrences, *, step: str = "", dry_run: bool = False):
    """Record the deliveries of these occurrences (and the bell's notifications) once.
    Returns the new deliveries (or, for a dry run, the Planned messages not yet sent)."""
    rows = plan(kind, occurrences, step=step)
    if dry_run:
        done = _existing(kind.code, rows)
        return [
            Planned(kind.code, o.object_key, r.key, r.email, s, c)
            for o, r, c, s in rows
            if (o.object_key, r.key, s) not in done
        ]
    if not rows:
        return []
    batch = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(
                    kind=kind.code,
                    object_key=o.object_key,
                    recipient_key=r.key,
                    step=s,
                    user=r.user,
                    contact=r.contact,
                    email=r.email,
                    language=r.language,
                    channel=c,
                    status=Delivery.Status.PENDING if r.email else Delivery.Status.IN_APP,
                    context=o.context,
                    url=o.url if r.url is None else r.url,
                    batch=batch,
                    created_at=now,
                )
                for o, r, c, s in rows
            ],
            # Already recorded by an earlier or a concurrent run: nothing to do.
            ignore_conflicts=True,
            batch_size=500,
        )
        new = list(Delivery.objects.filter(batch=batch))
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=d.user_id,
                    delivery=d,
                    kind=d.kind,
                    step=d.step,
                    context=d.context,
                    url=d.url,
                    created_at=now,
                )
                for d in new
                if d.user_id
            ],
            batch_size=500,
        )
    return new


def notify(code: str, occurrence: registry.Occurrence) -> list[Delivery]:
    """Tell of a one-off event now; its immediate e-mails go to a worker after commit."""
    new = record(registry.get(code), [occurrence])
    immediate = [d.pk for d in new if d.channel == Channel.IMMEDIATE and d.email]
    if immediate:
        transaction.on_commit(lambda: enqueue(immediate))
    return new


def enqueue(delivery_ids) -> int:
    """Hand each delivery to a worker; one the broker did not take stays pending and the
    sweep sends it. Returns how many were queued."""
    if not getattr(settings, "NOTIFICATIONS_ENQUEUE", True):
        return 0
    task = current_app.tasks[SEND_TASK]
    queued = 0
    for pk in delivery_ids:
        try:
            task.apply_async(args=[pk], retry=True, retry_policy={"max_retries": 2})
        except (BrokerError, OSError) as error:
            logger.warning("Delivery %s not queued, the broker is unreachable: %s", pk, error)
            continue
        queued += 1
    return queued


# --- the daily run ---


@dataclass
class RunResult:
    recorded: int = 0
    sent: int = 0
    failed: int = 0
    digests: int = 0
    planned: list | None = None


def run_reminders(today: date | None = None, *, dry_run: bool = False, send: bool = True):
    """What the 08:00 beat task does: record the reminders due ``today`` for every
    reminder kind and step, then send what waits (immediate ones, then the digests)."""
    today = today or timezone.localdate()
    result = RunResult(planned=[] if dry_run else None)
    for kind in registry.reminder_kinds():
        for step in kind.steps:
            first, last = kind.window(today, step)
            occurrences = kind.due(today, first, last)
            out = record(kind, occurrences, step=step.code, dry_run=dry_run)
            if dry_run:
                result.planned.extend(out)
            else:
                result.recorded += len(out)
    if dry_run or not send:
        return result
    sent, failed = send_pending()
    result.sent, result.failed = sent, failed
    result.digests = send_digests()
    return result


# --- sending ---


def claim(ids, *, now=None) -> tuple[str, int]:
    """Take these deliveries for sending if they are waiting (and their retry is due) or
    their last claim ran out; returns the claim token and how many were taken."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    taken = (
        Delivery.objects.filter(pk__in=list(ids))
        .filter(
            Q(status=Delivery.Status.PENDING)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            | Q(status=Delivery.Status.SENDING, lease_expires_at__lt=now)
        )
        .update(
            status=Delivery.Status.SENDING,
            claim_token=token,
            claimed_at=now,
            lease_expires_at=now + LEASE,
            attempts=F("attempts") + 1,
        )
    )
    return token, taken


def _claimed(token: str):
    return Delivery.objects.filter(status=Delivery.Status.SENDING, claim_token=token)


def _resolve(context: dict, language: str) -> dict:
    out = {}
    for key, value in context.items():
        if isinstance(value, dict):
            value = (
                value.get(language)
                or value.get(settings.LANGUAGE_CODE)
                or next(iter(value.values()), "")
            )
        if key.endswith("_on") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date_format(date.fromisoformat(value), "DATE_FORMAT")
        out[key] = value
    return out


def summary(kind_code: str, context: dict, language: str | None = None) -> str:
    """The one line that tells of a notification, in ``language`` (or the current one)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            kind = registry.get(kind_code)
        except KeyError:
            return kind_code
        try:
            return str(kind.summary) % _resolve(context, language)
        except (KeyError, TypeError, ValueError):
            return str(kind.label)


def _one_line(text: str) -> str:
    """No line break can reach a header (Django refuses them too)."""
    return " ".join(str(text).split())


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def build_message(delivery: Delivery, *, connection=None) -> EmailMultiAlternatives:
    kind = registry.get(delivery.kind)
    with translation.override(delivery.language):
        context = {
            "kind": kind,
            "summary": summary(delivery.kind, delivery.context, delivery.language),
            "detail": str(kind.detail),
            "link": absolute(delivery.url),
            "preferences": absolute("/notifications/preferences/"),
            "can_disable": kind.can_disable,
            # A vendor contact has no account: no preferences to point to.
            "for_user": delivery.user_id is not None,
        }
        subject = _one_line(f"[DueDiligence] {kind.subject}")
        text = render_to_string(kind.text_template, context)
        html = render_to_string(kind.html_template, context)
    message = EmailMultiAlternatives(
        subject, text, to=[delivery.email], connection=connection, headers=_headers(delivery)
    )
    message.attach_alternative(html, "text/html")
    return message


def _headers(delivery) -> dict:
    return {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Content-Language": delivery.language,
    }


def _done(token: str, ids=None) -> int:
    rows = _claimed(token)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), error="", lease_expires_at=None
    )


def _failed_attempt(token: str, error: Exception) -> str:
    """Back to pending with a delay, or failed for good after MAX_ATTEMPTS: 'retry' or
    'failed'."""
    reason = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    now = timezone.now()
    rows = list(_claimed(token).values_list("pk", "attempts"))
    outcome = "retry"
    for pk, attempts in rows:
        if attempts >= MAX_ATTEMPTS:
            fail(pk, reason, token=token)
            outcome = "failed"
        else:
            _claimed(token).filter(pk=pk).update(
                status=Delivery.Status.PENDING,
                error=reason,
                next_attempt_at=now + backoff(attempts),
                lease_expires_at=None,
            )
    return outcome


def fail(delivery_id: int, reason: str, *, token: str | None = None) -> None:
    """Record a final failure on the delivery and in the audit log."""
    rows = Delivery.objects.filter(pk=delivery_id)
    if token:
        rows = rows.filter(claim_token=token, status=Delivery.Status.SENDING)
    if not rows.update(status=Delivery.Status.FAILED, error=reason, lease_expires_at=None):
        return
    delivery = Delivery.objects.get(pk=delivery_id)
    LogEntry.objects.log_create(
        delivery,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"status": ["sending", "failed"], "error": ["", reason]},
    )
    logger.error("Delivery %s failed: %s", delivery_id, reason)


def deliver(delivery_id: int, *, now=None) -> str:
    """Claim and send one immediate delivery: 'sent', 'skipped' (someone else has it,
    or it is done), or raises TransientError after putting it back for a retry."""
    token, taken = claim([delivery_id], now=now)
    if not taken:
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        build_message(delivery).send()
    except TRANSIENT as error:
        if _failed_attempt(token, error) == "failed":
            return "failed"
        raise TransientError(str(error)) from error
    except Exception as error:
        # A template or a kind gone wrong: retrying will not help.
        fail(delivery_id, f"{type(error).__name__}: {error}"[:ERROR_LIMIT], token=token)
        return "failed"
    _done(token)
    return "sent"


def due_for_sending(now=None):
    now = now or timezone.now()
    return Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=Delivery.Status.SENDING, lease_expires_at__lt=now)
    )


def send_pending(now=None, limit: int | None = None) -> tuple[int, int]:
    """Send every immediate delivery that waits and whose retry is due (the sweep and
    the daily run). Returns (sent, failed or put back)."""
    ids = due_for_sending(now).filter(channel=Channel.IMMEDIATE).order_by("pk")
    ids = list(
        ids.values_list("pk", flat=True)[:limit] if limit else ids.values_list("pk", flat=True)
    )
    sent = failed = 0
    for pk in ids:
        try:
            outcome = deliver(pk, now=now)
        except TransientError:
            failed += 1
            continue
        sent += outcome == "sent"
        failed += outcome == "failed"
    return sent, failed


def send_digests(now=None) -> int:
    """One e-mail per recipient with everything recorded for their digest; returns how
    many digests went out. A refused digest goes back to pending, whole."""
    now = now or timezone.now()
    waiting = (
        due_for_sending(now)
        .filter(channel=Channel.DIGEST)
        .values_list("recipient_key", "pk")
        .order_by("recipient_key", "pk")
    )
    by_recipient: dict[str, list[int]] = {}
    for key, pk in waiting:
        by_recipient.setdefault(key, []).append(pk)
    sent = 0
    for ids in by_recipient.values():
        token, taken = claim(ids, now=now)
        if not taken:
            continue
        items = list(_claimed(token).order_by("kind", "created_at", "pk"))
        try:
            digest_message(items).send()
        except TRANSIENT as error:
            _failed_attempt(token, error)
            continue
        except Exception as error:
            for item in items:
                fail(item.pk, f"{type(error).__name__}: {error}"[:ERROR_LIMIT], token=token)
            continue
        _done(token)
        sent += 1
    return sent


def digest_message(items: list[Delivery]) -> EmailMultiAlternatives:
    first = items[0]
    language = first.language
    with translation.override(language):
        lines = [
            {
                "label": str(registry.label(d.kind)),
                "summary": summary(d.kind, d.context, language),
                "link": absolute(d.url),
            }
            for d in items
        ]
        context = {
            "lines": lines,
            "preferences": absolute("/notifications/preferences/"),
            "count": len(lines),
        }
        subject = _one_line(
            translation.gettext("[DueDiligence] Your daily digest: %(count)d items")
            % {"count": len(lines)}
        )
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject, text, to=[first.email], connection=get_connection(), headers=_headers(first)
    )
    message.attach_alternative(html, "text/html")
    return message


def sweep(now=None) -> dict:
    """Beat task body: send what a lost task message, a dead worker or a refused SMTP
    connection left waiting (immediate deliveries only; digests wait for 08:00)."""
    sent, failed = send_pending(now, limit=500)
    return {"sent": sent, "failed": failed}


def resend(delivery: Delivery, *, user) -> str:
    """An administrator's re-send of a failed (or sent) delivery: the same row goes
    again, so the uniqueness rule still holds."""
    reset = Delivery.objects.filter(
        pk=delivery.pk, status__in=[Delivery.Status.FAILED, Delivery.Status.SENT]
    ).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=None,
        error="",
        channel=Channel.IMMEDIATE,
    )
    if not reset:
        return "skipped"
    LogEntry.objects.log_create(
        delivery,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"status": [delivery.status, "pending"], "resent_by": ["", str(user)]},
    )
    try:
        return deliver(delivery.pk)
    except TransientError:
        return "retry"


# --- the bell ---


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def set_preferences(user, choices: dict[str, str]) -> None:
    """Save the user's channel for each kind; a kind that cannot be turned off keeps
    at least immediate."""
    for code, channel in choices.items():
        kind = registry.get(code)
        if channel == Channel.OFF and not kind.can_disable:
            channel = Channel.IMMEDIATE
        Preference.objects.update_or_create(user=user, kind=code, defaults={"channel": channel})


def preferences_of(user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {k.code: chosen.get(k.code, k.default_channel) for k in registry.user_kinds()}
