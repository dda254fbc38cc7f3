"""The portal session: a signed cookie of its own, never Django's staff session and
never a user login. It names one invitation and that invitation's ``session_epoch``
(revoking or re-sending the link bumps it), and whether the e-mailed code was entered.
It is sent only to /portal/ URLs and ends after PORTAL_SESSION_MINUTES idle."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

COOKIE = "dd_portal"
SALT = "portal.session"
PATH = "/portal/"


@dataclass
class PortalSession:
    invitation: object
    verified: bool
    # Set by a view that ends or replaces the session; the middleware writes the cookie.
    replace_with: "PortalSession | None" = None
    end: bool = False


def load(request):
    """The session in the request's cookie, or None when absent, tampered, idle too long
    or superseded by a revocation or a new link."""
    from .models import Invitation

    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=settings.PORTAL_SESSION_MINUTES * 60)
        pk, epoch, verified = int(data["i"]), int(data["e"]), bool(data["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    invitation = (
        Invitation.objects.select_related(
            "contact", "assessment__vendor", "assessment__version", "created_by", "parent"
        )
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        return None
    if invitation.session_epoch != epoch and invitation.revoked_at is None:
        return None  # a new link was sent: this session belonged to the old one
    # A revoked invitation keeps its session just long enough to say so (410).
    return PortalSession(invitation=invitation, verified=verified)


def write(response, session: PortalSession) -> None:
    value = signing.dumps(
        {"i": session.invitation.pk, "e": session.invitation.session_epoch, "v": session.verified},
        salt=SALT,
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.PORTAL_SESSION_MINUTES * 60,
        path=PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def clear(response) -> None:
    response.delete_cookie(COOKIE, path=PATH, samesite="Lax")
