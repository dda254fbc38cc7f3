"""Recording access events from requests and auth signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.client_address import client_address

from .models import AccessEvent


def record(kind, request=None, *, user=None, username="", detail=""):
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        remote_addr=client_address(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        detail=detail[:500],
    )


@receiver(user_logged_in, dispatch_uid="accounts.login")
def _logged_in(sender, request, user, **kwargs):
    record(AccessEvent.Kind.LOGIN, request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def _logged_out(sender, request, user, **kwargs):
    record(AccessEvent.Kind.LOGOUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    record(AccessEvent.Kind.LOGIN_FAILED, request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(AccessEvent.Kind.LOCKED_OUT, request, username=str(username or ""))
