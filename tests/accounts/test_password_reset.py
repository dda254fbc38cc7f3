"""Password reset by e-mail: styled pages in both languages, one answer whether or
not the address has an account, limited, audited, refused for deactivated accounts,
and sent through a real SMTP server (aiosmtpd) or written to var/mail as .eml files."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent
from duediligence.mail import EmlFileBackend

NEW_PASSWORD = "Shinkansen-Nozomi-700"


def ask(client, address, **extra):
    return client.post(reverse("password_reset"), {"email": address}, **extra)


def link_in(body: str) -> str:
    return re.search(r"https?://testserver(/password/reset/\S+/)", body).group(1)


@pytest.mark.parametrize(
    ("language", "title", "sent"),
    [
        ("ja", "パスワードの再設定", "メールを確認"),
        ("en", "Reset your password", "Check your e-mail"),
    ],
)
def test_the_pages_are_ours_in_both_languages(client, db, language, title, sent):
    client.cookies["django_language"] = language
    page = client.get(reverse("password_reset")).content.decode()
    assert title in page and 'class="card login-card' in page
    done = client.get(reverse("password_reset_done")).content.decode()
    assert sent in done
    login = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, staff):
    known = ask(client, "charlie@example.com")
    unknown = ask(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["charlie@example.com"]


def test_a_reset_sets_the_password_ends_other_sessions_and_is_audited(client, staff):
    other = Client()
    other.force_login(staff)
    ask(client, "CHARLIE@example.com")
    message = mail.outbox[0]
    assert "チャーリー" in message.body or "charlie" in message.body
    confirm = client.get(link_in(message.body), follow=True)
    assert confirm.status_code == 200
    set_url = confirm.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert other.get(reverse("dashboard")).status_code == 302  # the other session ended
    kinds = list(AccessEvent.objects.order_by("pk").values_list("kind", "user"))
    assert (AccessEvent.Kind.PASSWORD_RESET_REQUESTED, staff.pk) in kinds
    assert (AccessEvent.Kind.PASSWORD_RESET, staff.pk) in kinds
    # The link works once.
    again = client.get(link_in(message.body), follow=True)
    assert (
        "This link cannot be used" in again.content.decode() or again.context["validlink"] is False
    )


def test_the_message_is_in_the_recipients_language(client, staff):
    staff.language = "en"
    staff.save()
    client.cookies["django_language"] = "ja"
    ask(client, "charlie@example.com")
    assert mail.outbox[0].subject == "DueDiligence: choose a new password"


def test_a_deactivated_account_gets_no_message_and_its_old_link_is_refused(client, staff):
    ask(client, "charlie@example.com")
    link = link_in(mail.outbox[0].body)
    staff.is_active = False
    staff.save()
    assert ask(Client(), "charlie@example.com").status_code == 302
    assert len(mail.outbox) == 1  # nothing new for a deactivated account
    page = client.get(link, follow=True)
    assert page.context["validlink"] is False
    assert set_password_refused(client, page)
    staff.refresh_from_db()
    assert not staff.check_password(NEW_PASSWORD)


def set_password_refused(client, page) -> bool:
    url = page.redirect_chain[-1][0] if page.redirect_chain else page.request["PATH_INFO"]
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    return response.status_code == 200 and response.context["validlink"] is False


def test_requests_are_limited_per_address_and_per_e_mail(staff, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for _ in range(3):
        assert ask(Client(), "charlie@example.com", REMOTE_ADDR="10.0.0.1").status_code == 302
    english = Client()
    english.cookies["django_language"] = "en"
    refused = ask(english, "charlie@example.com", REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another address asking for the same account is limited too (mail bombing) ...
    assert ask(Client(), "charlie@example.com", REMOTE_ADDR="10.0.0.2").status_code == 429
    # ... and the same is answered for an address without an account.
    for _ in range(3):
        ask(Client(), "nobody@example.com", REMOTE_ADDR="10.0.0.3")
    assert ask(Client(), "nobody@example.com", REMOTE_ADDR="10.0.0.3").status_code == 429
    refusals = AccessEvent.objects.filter(
        kind=AccessEvent.Kind.PASSWORD_RESET_REQUESTED, detail__startswith="refused"
    )
    assert refusals.count() == 3


# --------------------------------------------------------------------------- delivery


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"dd", b"secret"))

    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    handler.port = controller.port
    handler.logins = logins
    yield handler
    controller.stop()


def test_the_message_goes_through_a_real_smtp_server(client, staff, settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = "dd"
    settings.EMAIL_HOST_PASSWORD = "secret"
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "DueDiligence <dd@example.co.jp>"
    assert ask(client, "charlie@example.com").status_code == 302
    assert smtp_server.logins == [(b"dd", b"secret")]
    [(sender, recipients, content)] = smtp_server.messages
    assert sender == "dd@example.co.jp"
    assert recipients == ["charlie@example.com"]
    message = email.message_from_bytes(content, policy=policy.default)
    assert message["Subject"].strip() == "DueDiligence：新しいパスワードの設定"
    body = message.get_body().get_content()
    page = client.get(link_in(body), follow=True)
    assert page.context["validlink"] is True


def test_without_a_mail_server_each_message_is_an_eml_file(tmp_path):
    backend = EmlFileBackend(file_path=tmp_path / "mail")
    sent = backend.send_messages(
        [
            mail.EmailMessage("件名", "本文", "dd@example.co.jp", ["a@example.com"]),
            mail.EmailMessage("Subject", "Body", "dd@example.co.jp", ["b@example.com"]),
        ]
    )
    assert sent == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {m["To"] for m in parsed} == {"a@example.com", "b@example.com"}
    assert {m.get_content().strip() for m in parsed} == {"本文", "Body"}


def test_the_settings_choose_smtp_or_eml_from_the_environment():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER,"
        " s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.EMAIL_FILE_PATH.name, sep='|')"
    )

    def read(**env):
        base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "duediligence.settings"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup();" + code],
            cwd=root,
            env={**base, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip().split("|")

    assert read()[0] == "duediligence.mail.EmlFileBackend"
    assert read()[-1] == "mail"
    assert read(
        EMAIL_HOST="smtp.example.co.jp",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="dd",
        EMAIL_HOST_PASSWORD="pw",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="dd@example.co.jp",
    )[:6] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.co.jp",
        "587",
        "dd",
        "True",
        "dd@example.co.jp",
    ]
