"""Lockout, two-factor authentication, session ends, access events."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessEvent

PASSWORD = "correct-horse-battery"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [("ja", "ログインに続けて失敗したため"), ("en", "Too many failed login attempts")],
)
def test_five_failures_lock_the_user_name_and_address(client, staff, language, message):
    client.cookies["django_language"] = language
    for _ in range(4):
        assert attempt(client, "charlie", "wrong").status_code == 200
    locked = attempt(client, "charlie", "wrong")
    assert locked.status_code == 429
    assert message in locked.content.decode()
    # Even the right password is refused now, from that address ...
    assert attempt(client, "charlie", PASSWORD).status_code == 429
    # ... but the same user from another address, and another user, still get in.
    assert attempt(Client(), "charlie", PASSWORD, ip="10.0.0.2").status_code == 302
    kinds = list(AccessEvent.objects.values_list("kind", flat=True))
    assert kinds.count(AccessEvent.Kind.LOGIN_FAILED) >= 5
    assert AccessEvent.Kind.LOCKED_OUT in kinds


def test_logins_and_logouts_are_recorded_with_the_address(client, staff):
    attempt(client, "charlie", PASSWORD, ip="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    events = AccessEvent.objects.order_by("timestamp", "pk")
    assert [e.kind for e in events] == [AccessEvent.Kind.LOGIN, AccessEvent.Kind.LOGOUT]
    assert all(e.remote_addr == "10.1.2.3" and e.username == "charlie" for e in events)


def test_access_events_cannot_be_changed_or_deleted(staff):
    event = AccessEvent.objects.create(kind=AccessEvent.Kind.LOGIN, username="charlie")
    event.detail = "tampered"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_deactivating_a_user_ends_their_sessions_at_once(client, staff, admin_user):
    client.force_login(staff)
    assert client.get(reverse("dashboard")).status_code == 200
    assert Session.objects.count() == 1
    staff.is_active = False
    staff.save()
    assert Session.objects.count() == 0
    assert client.get(reverse("dashboard")).status_code == 302
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.DEACTIVATED).exists()


def test_changing_the_password_ends_other_sessions(staff):
    laptop, phone = Client(), Client()
    laptop.force_login(staff)
    phone.force_login(staff)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Tsukuba-Kanazawa-42",
            "new_password2": "Tsukuba-Kanazawa-42",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("dashboard")).status_code == 200  # this session goes on
    assert phone.get(reverse("dashboard")).status_code == 302  # the other one ended


def test_session_is_an_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize("password", ["short-pw", "password1234", "charlie12345", "123456789012"])
def test_weak_passwords_are_refused(client, staff, password):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def _confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def _code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def test_user_with_a_device_must_enter_the_code_after_the_password(client, staff):
    device = _confirmed_device(staff)
    assert attempt(client, "charlie", PASSWORD).status_code == 302
    page = client.get(reverse("vendors:index"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("accounts:otp_verify"))
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert wrong.status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.OTP_FAILED).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(
        reverse("accounts:otp_verify"), {"token": _code(device), "next": "/vendors/"}
    )
    assert right.status_code == 302
    assert right.url == "/vendors/"
    assert client.get(reverse("vendors:index")).status_code == 200


def test_setting_up_a_device_through_the_pages(client, staff):
    client.force_login(staff)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_mandatory_two_factor_for_managers_and_admins(client, manager, staff, settings):
    settings.OTP_REQUIRED_FOR_PRIVILEGED = True
    client.force_login(manager)
    response = client.get(reverse("vendors:index"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_setup")
    client.force_login(staff)  # staff are not forced
    assert client.get(reverse("vendors:index")).status_code == 200
    client.force_login(manager)
    assert client.post(reverse("accounts:otp_disable")).status_code == 302


def test_roles_cannot_be_granted_by_users_themselves(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    assert not staff.groups.filter(name="admin").exists()
    assert Group.objects.filter(name="admin").exists()
