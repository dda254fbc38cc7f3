"""Ending a person's sessions: on deactivation (at once) and on password change."""

from django.contrib.sessions.models import Session
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import AccessEvent, User


def end_sessions(user) -> int:
    """Delete every live session of ``user``; return how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@receiver(pre_save, sender=User, dispatch_uid="accounts.deactivation")
def _end_sessions_on_deactivation(sender, instance, **kwargs):
    if not instance.pk or instance.is_active:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        ended = end_sessions(instance)
        AccessEvent.objects.create(
            kind=AccessEvent.Kind.DEACTIVATED,
            user=instance,
            username=instance.get_username(),
            detail=f"sessions ended: {ended}",
        )
