"""Personal API tokens: issuing (shown once), checking and revoking.

A token reads ``dd_<prefix>_<secret>``: the prefix (8 hex digits) is stored in clear so
that people can tell their tokens apart, the whole token only as its SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

TOKEN_START = "dd_"  # noqa: S105 - the recognisable start, not a secret
MAX_DAYS = 366 * 2
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user, *, name: str, scope: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its clear text, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, e.g. the system that will use it."))
    if scope not in ApiToken.Scope.values:
        raise ValidationError(_("Choose read, or read and write."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            _("A token is valid for 1 to %(max)s days, or without end.") % {"max": MAX_DAYS}
        )
    if user.role is None:
        raise ValidationError(_("An account without a role cannot have API tokens."))
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        key_hash=hash_token(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, raw


def token_for(raw: str) -> ApiToken | None:
    """The usable token with this clear text, or None (unknown, revoked, expired, or its
    owner deactivated). Records the use."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or token.is_expired:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
