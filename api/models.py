"""Webhooks: endpoints that administrators register, the events that happened, and one
delivery of each event to each endpoint that asked for it."""

import secrets

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import events


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"), default=list, help_text=_("The events this endpoint receives.")
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("Deliveries are signed with HMAC-SHA256 using this secret."),
    )
    allow_private_network = models.BooleanField(
        _("allow a private or loopback address"),
        default=False,
        help_text=_(
            "Only for a receiver inside your own network: without this, addresses on "
            "loopback, link-local and private ranges are refused."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        from .addresses import UnsafeAddress, check_url

        unknown = set(self.events or ()) - set(events.REGISTRY)
        if not isinstance(self.events, list) or unknown or not self.events:
            raise ValidationError({"events": _("Choose one or more of the events listed.")})
        try:
            check_url(self.url, allow_private=self.allow_private_network)
        except UnsafeAddress as error:
            raise ValidationError({"url": str(error)}) from None


class WebhookEvent(models.Model):
    """Something that happened, once: the key makes a second announcement a no-op."""

    name = models.CharField(_("event"), max_length=50)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} {self.key}"


class WebhookDelivery(models.Model):
    """One event to one endpoint, tried until delivered or out of attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Every attempt: [{"at", "code", "error", "ms"}], newest last.
    log = models.JSONField(_("attempts log"), default=list, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event.name} → {self.endpoint} ({self.get_status_display()})"


auditlog.register(WebhookEndpoint, exclude_fields=["secret"])
