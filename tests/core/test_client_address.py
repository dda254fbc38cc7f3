"""One client address for every log, decided by PROXY_COUNT, through real requests:
the audit log (django-auditlog), the lockout (django-axes), access events and the
request log agree, and a forged X-Forwarded-For is ignored."""

import logging

import pytest
from auditlog.models import LogEntry
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import AccessEvent
from core.client_address import client_address
from vendors.models import Vendor

PASSWORD = "correct-horse-battery"
SOCKET = "10.9.8.7"  # the proxy, or the client itself when there is none
CLIENT = "198.51.100.20"  # the address our proxy saw
FORGED = "6.6.6.6"  # what the client wrote into the header itself


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, f"{FORGED}", SOCKET),
        (0, "", SOCKET),
        (1, f"{FORGED}, {CLIENT}", CLIENT),
        (1, CLIENT, CLIENT),
        (2, f"{FORGED}, {CLIENT}, 10.0.0.2", CLIENT),
        (2, CLIENT, SOCKET),  # fewer entries than proxies: only the socket is vouched for
        (1, f"{FORGED}, not-an-address", SOCKET),
        (1, f"{FORGED}, {CLIENT}:51234", CLIENT),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
    ],
)
def test_it_takes_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=SOCKET, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def _change_a_vendor(client, staff, caplog):
    vendor = Vendor.objects.create(name="株式会社経路", owner=staff)
    client.force_login(staff)
    with caplog.at_level(logging.INFO, logger="duediligence.requests"):
        client.post(
            reverse("vendors:status", args=[vendor.pk]),
            {"status": Vendor.Status.UNDER_REVIEW},
            REMOTE_ADDR=SOCKET,
            HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}",
        )
    return vendor


@pytest.mark.parametrize(("proxies", "expected"), [(0, SOCKET), (1, CLIENT)])
def test_the_audit_log_and_the_request_log_record_the_same_address(
    client, staff, settings, caplog, proxies, expected
):
    settings.PROXY_COUNT = proxies
    vendor = _change_a_vendor(client, staff, caplog)
    entry = LogEntry.objects.get_for_object(vendor).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.remote_addr == expected
    assert entry.remote_port is None
    lines = [r.getMessage() for r in caplog.records if r.name == "duediligence.requests"]
    assert any(line.startswith(f"{expected} POST /vendors/") for line in lines), lines
    assert not any(FORGED in line for line in lines)


@pytest.mark.parametrize(("proxies", "expected"), [(0, SOCKET), (1, CLIENT)])
def test_access_events_record_the_same_address(client, staff, settings, proxies, expected):
    settings.PROXY_COUNT = proxies
    client.post(
        reverse("login"),
        {"username": "charlie", "password": PASSWORD},
        REMOTE_ADDR=SOCKET,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT}",
    )
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.LOGIN)
    assert event.remote_addr == expected


def _fail(username, socket, forwarded=""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client().post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=socket, **extra
    )


def test_behind_one_proxy_an_attacker_does_not_lock_the_real_user_out(staff, settings):
    settings.PROXY_COUNT = 1
    # Five failures through the proxy, from the attacker's machine ...
    for _ in range(5):
        _fail("charlie", SOCKET, f"{FORGED}, 203.0.113.66")
    assert _fail("charlie", SOCKET, "203.0.113.66").status_code == 429
    # ... lock that machine only; charlie, through the same proxy from his own, gets in.
    response = Client().post(
        reverse("login"),
        {"username": "charlie", "password": PASSWORD},
        REMOTE_ADDR=SOCKET,
        HTTP_X_FORWARDED_FOR=CLIENT,
    )
    assert response.status_code == 302
    locked = AccessEvent.objects.filter(kind=AccessEvent.Kind.LOCKED_OUT)
    assert set(locked.values_list("remote_addr", flat=True)) == {"203.0.113.66"}


def test_without_a_proxy_a_forged_header_does_not_escape_the_lockout(staff, settings):
    settings.PROXY_COUNT = 0
    for number in range(5):
        _fail("charlie", SOCKET, f"203.0.113.{number}")  # a new "address" each time
    assert _fail("charlie", SOCKET, "203.0.113.99").status_code == 429
