"""Every change made through the API is audited as its token's owner and marked
``"via": "api"`` (with the token's prefix) in the audit entry's additional data."""

from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.models import LogEntry
from django.db.models.signals import pre_save
from django.dispatch import receiver

_api_request: ContextVar[dict | None] = ContextVar("api_request", default=None)


@contextmanager
def api_request():
    """Wraps one API request; ``mark`` fills it in once the token is authenticated."""
    holder: dict = {}
    reset = _api_request.set(holder)
    try:
        yield holder
    finally:
        _api_request.reset(reset)


def mark(holder: dict, *, user, token, remote_addr) -> None:
    holder.update(user=user, prefix=token.prefix, remote_addr=remote_addr)


@receiver(pre_save, sender=LogEntry, dispatch_uid="api.mark_api_changes")
def _mark_api_changes(sender, instance, **kwargs):
    holder = _api_request.get()
    if not holder or "user" not in holder:
        return
    if instance.actor_id is None:
        instance.actor = holder["user"]
        instance.actor_email = holder["user"].email
    if not instance.remote_addr:
        instance.remote_addr = holder["remote_addr"]
    instance.additional_data = {
        **(instance.additional_data or {}),
        "via": "api",
        "api_token": holder["prefix"],
    }
