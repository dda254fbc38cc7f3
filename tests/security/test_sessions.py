"""Sessions end after SESSION_IDLE_MINUTES without a request, and at once when the
account is deactivated; the clock is moved (time-machine), never waited for."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent

PASSWORD = "correct-horse-battery"


def signed_in(user) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_a_session_ends_after_the_idle_timeout_and_not_before(staff, settings):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == timedelta(minutes=30)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = signed_in(staff)
        # Active every 29 minutes for two hours: each request extends the session.
        for _ in range(4):
            traveller.shift(idle - timedelta(minutes=1))
            assert client.get(reverse("dashboard")).status_code == 200
        # Then idle for a minute longer than allowed: back to the login page.
        traveller.shift(idle + timedelta(minutes=1))
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_timeout_follows_the_setting(staff, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(staff)
        traveller.shift(timedelta(minutes=4))
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(timedelta(minutes=6))
        assert client.get(reverse("dashboard")).status_code == 302


def test_deactivation_ends_every_live_session_of_that_user_at_once(staff, other_staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        laptop, phone, colleague = signed_in(staff), signed_in(staff), signed_in(other_staff)
        # Ten minutes on, the sessions are still well inside their idle window ...
        traveller.shift(timedelta(minutes=10))
        assert laptop.get(reverse("dashboard")).status_code == 200
        staff.is_active = False
        staff.save()
        # ... and end at the moment of deactivation, not when they would have expired.
        assert laptop.get(reverse("dashboard")).status_code == 302
        assert phone.get(reverse("dashboard")).status_code == 302
        assert colleague.get(reverse("dashboard")).status_code == 200
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.DEACTIVATED)
        assert event.detail == "sessions ended: 2"
        # Nor does a session come back later, or a new one start.
        traveller.shift(timedelta(minutes=5))
        assert laptop.get(reverse("dashboard")).status_code == 302
        assert (
            Client()
            .post(reverse("login"), {"username": staff.username, "password": PASSWORD})
            .status_code
            == 200
        )
        assert Session.objects.count() == 1  # the colleague's


@pytest.mark.parametrize("minutes", [31, 24 * 60])
def test_an_expired_session_is_not_counted_as_ended_on_deactivation(staff, minutes):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        signed_in(staff)
        traveller.shift(timedelta(minutes=minutes))
        staff.is_active = False
        staff.save()
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.DEACTIVATED)
        assert event.detail == "sessions ended: 0"
