"""Notifications: what was sent to whom (Delivery, one row per message under a
uniqueness rule), what the bell shows (Notification), what each user wants
(Preference) and their calendar feed (CalendarFeed)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("In the daily digest")
    OFF = "off", _("Off")


class Delivery(models.Model):
    """One message of one kind about one object to one recipient at one due-date step.

    The unique rule is what makes a re-run, two beats at once or a retry harmless: the
    second insert of the same (kind, object, recipient, step) does nothing. Sending
    claims the row with a conditional update and a lease, like a report's render."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        IN_APP = "in_app", _("Shown in the app only")

    kind = models.CharField(_("kind"), max_length=50)
    object_key = models.CharField(_("object"), max_length=100)
    recipient_key = models.CharField(_("recipient"), max_length=100)
    step = models.CharField(_("due-date step"), max_length=20, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    # Or a vendor contact, who has no account (portal reminders, shared findings).
    contact = models.ForeignKey(
        "vendors.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("vendor contact"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # What the message says: plain values (names by language, dates), no model objects.
    context = models.JSONField(_("content"), default=dict)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The run that inserted the row: a run sends what it recorded, and knows which it was.
    batch = models.CharField(max_length=32, editable=False, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Which sender holds the row while it is sending: outcomes are written only by it.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient_key", "step"],
                name="delivery_once_per_kind_object_recipient_step",
            )
        ]
        indexes = [
            models.Index(fields=["status", "channel", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_key} → {self.recipient_key} {self.step}".strip()


class Notification(models.Model):
    """What the bell counts: one line in the app for a user, linked to the object."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    delivery = models.OneToOneField(
        Delivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notification",
        verbose_name=_("delivery"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    step = models.CharField(_("due-date step"), max_length=20, blank=True, default="")
    context = models.JSONField(_("content"), default=dict)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "kind", "created_at"]),
        ]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How a user wants to hear of one kind; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.channel}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's secret iCalendar address. Only the token's hash is kept: the address is
    shown once, when it is made; revoking it (or making a new one) ends the old one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'live'})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)  # 256 bits
