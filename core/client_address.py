"""The client's address, decided in one place from ``PROXY_COUNT``.

With no trusted proxy (``PROXY_COUNT=0``) it is the socket address: an
``X-Forwarded-For`` header is whatever the client chose to send and is ignored.
Behind N trusted proxies, each appends the address it saw to ``X-Forwarded-For``,
so the Nth entry from the right is the one the outermost of our proxies saw; entries
further left came from the client and are never trusted.

The audit log (django-auditlog), the lockout (django-axes, through
``AXES_CLIENT_IP_CALLABLE``), access events and the request log all call
:func:`client_address`. Self-contained on purpose: it imports nothing of the project.
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    """A bare IPv4 or IPv6 address from a header entry (ports and brackets removed)."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address the request came from, honouring ``PROXY_COUNT``; None if unknown."""
    if request is None:
        return None
    socket_address = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return socket_address
    forwarded = [
        entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not pass through every proxy we were told about: the
        # socket address is the only one we can vouch for.
        return socket_address
    return _address(forwarded[-proxies]) or socket_address
