"""Counting guesses in the shared cache: a fixed window per key. When the cache is
unreachable the request is let through (logins still have their own lockout) and a
warning logged, as the dashboard does."""

import logging

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)
WINDOW = 3600


def _key(kind: str, subject) -> str:
    return f"portal-rl:{kind}:{subject}"


def exceeded(kind: str, subject, limit: int) -> bool:
    try:
        return int(cache.get(_key(kind, subject), 0)) >= limit
    except Exception:
        log.warning("rate-limit cache unreachable; %s not checked", kind)
        return False


def hit(kind: str, subject) -> None:
    key = _key(kind, subject)
    try:
        if cache.add(key, 1, WINDOW):
            return
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
    except Exception:
        log.warning("rate-limit cache unreachable; %s not counted", kind)


def guesses_exceeded(address, invitation=None) -> bool:
    """Too many wrong tokens or codes from this address, or codes for this invitation."""
    limit = settings.PORTAL_GUESSES_PER_HOUR
    if exceeded("addr", address, limit):
        return True
    return invitation is not None and exceeded("inv", invitation.pk, limit)


def wrong_guess(address, invitation=None) -> None:
    hit("addr", address)
    if invitation is not None:
        hit("inv", invitation.pk)
