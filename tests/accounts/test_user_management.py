"""User management inside the app: admins list users, create one with a role, change
the role, deactivate and reactivate, reset two-factor authentication and e-mail a
password-set link (through a real SMTP server, aiosmtpd), in both languages, audited;
nobody else reaches any of it."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import AccessEvent, User
from tests.conftest import make_user

NEW_PASSWORD = "Shinkansen-Hayabusa-E5"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://dd.example.jp"
    yield mailbox
    controller.stop()


def admin_client(admin_user, language="ja"):
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    return client


def created(client, **extra):
    data = {
        "username": "hanako",
        "last_name": "審査",
        "first_name": "花子",
        "email": "hanako@example.jp",
        "role": roles.MANAGER,
        "language": "ja",
        **extra,
    }
    return client.post(reverse("accounts:user_create"), data)


def test_an_admin_creates_a_user_with_a_role_and_a_password_link_is_mailed(admin_user, smtp):
    client = admin_client(admin_user)
    response = created(client, send_link="on")
    hanako = User.objects.get(username="hanako")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_edit", args=[hanako.pk])
    assert hanako.role == roles.MANAGER and not hanako.has_usable_password()
    assert str(hanako) == "審査 花子"
    ((rcpts, message),) = smtp.messages
    assert rcpts == ["hanako@example.jp"]
    assert "パスワード" in message["Subject"]
    body = message.get_content()
    assert "審査 花子様" in body and "hanako" in body
    link = re.search(r"https://dd\.example\.jp(/password/reset/\S+/)", body).group(1)
    # The person opens the link and chooses a password.
    person = Client()
    page = person.get(link, follow=True)
    assert page.context["validlink"] is True
    done = person.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    hanako.refresh_from_db()
    assert hanako.check_password(NEW_PASSWORD)
    # Audited: the creation names the admin; the mail is an access event.
    entry = LogEntry.objects.get_for_object(hanako).filter(action=LogEntry.Action.CREATE).get()
    assert entry.actor == admin_user
    sent = AccessEvent.objects.get(kind=AccessEvent.Kind.PASSWORD_LINK_SENT)
    assert sent.user == hanako and "alice" in sent.detail


def test_the_link_mail_is_in_the_users_language(admin_user, smtp):
    created(admin_client(admin_user), language="en", send_link="on")
    ((_rcpts, message),) = smtp.messages
    assert message["Subject"] == "DueDiligence: choose your password"
    assert "Dear 審査 花子," in message.get_content()


def test_a_duplicate_or_bad_user_name_is_refused_with_the_form_kept(admin_user, manager):
    client = admin_client(admin_user)
    response = created(client, username="BOB")
    assert response.status_code == 200
    page = response.content.decode()
    assert "既に存在します" in page and 'value="審査"' in page
    assert created(client, username="bad name!").status_code == 200
    assert created(client, username="x", role="superuser").status_code == 200
    assert created(client, username="y", send_link="on", email="").status_code == 200
    assert not User.objects.filter(username__in=["x", "y", "bad name!"]).exists()


def test_an_admin_changes_a_role_and_it_is_audited(admin_user, staff):
    client = admin_client(admin_user)
    response = client.post(
        reverse("accounts:user_edit", args=[staff.pk]),
        {
            "last_name": "調達",
            "first_name": "チャーリー",
            "email": staff.email,
            "role": roles.MANAGER,
        },
    )
    assert response.status_code == 302
    staff = User.objects.get(pk=staff.pk)
    assert staff.role == roles.MANAGER
    assert list(staff.groups.values_list("name", flat=True)) == [roles.MANAGER]
    changes = LogEntry.objects.get_for_object(staff).order_by("pk")
    assert any(e.actor == admin_user and "groups" in (e.changes_dict or {}) for e in changes)
    # The audit log shows the role's label, not its code.
    log = client.get(reverse("audit:changes")).content.decode()
    assert "審査担当" in log or "マネージャー" in log or "管理者" in log
    assert "procurement_staff" not in log


def test_an_admin_cannot_demote_or_deactivate_themselves(admin_user):
    client = admin_client(admin_user, "en")
    response = client.post(
        reverse("accounts:user_edit", args=[admin_user.pk]),
        {"last_name": "管理", "first_name": "アリス", "email": "", "role": roles.MANAGER},
    )
    assert response.status_code == 200
    assert "your own administrator role" in response.content.decode()
    client.post(reverse("accounts:user_action", args=[admin_user.pk, "deactivate"]))
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == roles.ADMIN


def test_deactivation_logs_the_person_out_and_reactivation_lets_them_back(admin_user, staff):
    theirs = Client()
    theirs.force_login(staff)
    client = admin_client(admin_user)
    response = client.post(reverse("accounts:user_action", args=[staff.pk, "deactivate"]))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert theirs.get(reverse("dashboard")).status_code == 302  # logged out
    assert (
        "無効にしました"
        in client.get(reverse("accounts:user_edit", args=[staff.pk])).content.decode()
    )
    assert "チャーリー" not in client.get(reverse("accounts:users")).content.decode()
    listed = client.get(reverse("accounts:users"), {"active": "inactive"}).content.decode()
    assert "調達 チャーリー" in listed and "無効" in listed
    client.post(reverse("accounts:user_action", args=[staff.pk, "reactivate"]))
    staff.refresh_from_db()
    assert staff.is_active
    kinds = set(AccessEvent.objects.filter(user=staff).values_list("kind", flat=True))
    assert {AccessEvent.Kind.DEACTIVATED, AccessEvent.Kind.REACTIVATED} <= kinds
    user_type = ContentType.objects.get_for_model(User)
    flips = LogEntry.objects.filter(content_type=user_type, object_pk=str(staff.pk))
    assert flips.filter(actor=admin_user, changes__icontains="is_active").count() == 2


def test_an_admin_resets_a_users_two_factor_device(admin_user, manager):
    TOTPDevice.objects.create(user=manager, name="default", confirmed=True)
    client = admin_client(admin_user)
    page = client.get(reverse("accounts:user_edit", args=[manager.pk])).content.decode()
    assert "二要素認証をリセット" in page
    client.post(reverse("accounts:user_action", args=[manager.pk, "reset_two_factor"]))
    assert not TOTPDevice.objects.filter(user=manager).exists()
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.OTP_RESET)
    assert event.user == manager and "alice" in event.detail


def test_no_link_for_a_user_without_e_mail(admin_user, smtp):
    nobody = make_user("frank", roles.PROCUREMENT)
    User.objects.filter(pk=nobody.pk).update(email="")
    client = admin_client(admin_user, "en")
    response = client.post(
        reverse("accounts:user_action", args=[nobody.pk, "send_link"]), follow=True
    )
    assert "has no e-mail address" in response.content.decode()
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("ja", ["ユーザー", "役割", "調達担当"]),
        ("en", ["Users", "Role", "Procurement staff"]),
    ],
)
def test_the_users_page_shows_role_labels_and_family_names_first(
    admin_user, staff, language, texts, django_assert_max_num_queries
):
    for n in range(20):
        make_user(f"user{n:02}", roles.PROCUREMENT, last_name="山田", first_name=f"{n}郎")
    client = admin_client(admin_user, language)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("accounts:users")).content.decode()
    for text in texts:
        assert text in page
    assert "調達 チャーリー" in page
    assert "procurement_staff</td>" not in page
    assert client.get(reverse("accounts:users"), {"role": "bogus", "page": "x"}).status_code == 200


ACCESS = {"admin": 200, "manager": 403, "staff": 403, "anon": 302}


@pytest.mark.parametrize("who", list(ACCESS))
def test_only_admins_reach_user_management(who, admin_user, manager, staff):
    client = Client()
    if who != "anon":
        client.force_login({"admin": admin_user, "manager": manager, "staff": staff}[who])
    expected = ACCESS[who]
    for url in (
        reverse("accounts:users"),
        reverse("accounts:user_create"),
        reverse("accounts:user_edit", args=[manager.pk]),
    ):
        assert client.get(url).status_code == expected, url
    post = client.post(reverse("accounts:user_action", args=[manager.pk, "deactivate"]))
    assert post.status_code == (302 if who in ("admin", "anon") else 403)
    manager.refresh_from_db()
    assert manager.is_active == (who != "admin")
    assert (
        client.get(reverse("accounts:user_action", args=[manager.pk, "deactivate"])).status_code
        == 405
    )
