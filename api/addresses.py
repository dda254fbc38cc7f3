"""Where a webhook may be sent: public addresses only, unless an administrator allowed
private ones for that endpoint (no server-side request forgery into our network)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class UnsafeAddress(ValueError):
    """The URL leads somewhere a webhook must not go."""


def check_url(url: str, *, allow_private: bool) -> list[str]:
    """The addresses ``url``'s host resolves to, all of them checked; UnsafeAddress if
    any is not a public address (and the endpoint is not allowed private ones)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress(_("Give an http or https URL."))
    if parts.username or parts.password:
        raise UnsafeAddress(_("Leave user names and passwords out of the URL."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise UnsafeAddress(_("The host name of the URL cannot be resolved.")) from None
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_multicast or ip.is_unspecified:
            raise UnsafeAddress(_("The URL leads to an address that cannot receive webhooks."))
        if not ip.is_global and not allow_private:
            raise UnsafeAddress(
                _(
                    "The URL leads to a loopback or private address (%(address)s). An "
                    "administrator must allow private addresses for this endpoint."
                )
                % {"address": address}
            )
    return addresses
