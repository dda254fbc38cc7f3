"""E-mail: text and HTML in the contact's language, subjects without detail, no header
injection; logs never carry a token; the command line invites as the web does."""

import io
import logging

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from portal import services
from portal.models import Invitation
from portal.redaction import RedactPortalTokens, token_prefix
from vendors.models import Contact

from .conftest import LINK

pytestmark = pytest.mark.django_db


def test_the_invitation_mail_is_text_and_html_in_the_contacts_language(invited, settings):
    message = mail.outbox[0]
    assert message.subject == "[DueDiligence] セキュリティ質問票へのご回答のお願い"
    assert "株式会社ポータル" not in message.subject
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    token = invited[1]
    assert f"{settings.SITE_URL}/portal/i/{token}/" in message.body
    assert token in html
    assert "山田 太郎様" in message.body and "よろしく" in message.body


def test_an_english_invitation_is_in_english(assessment, contact, staff, media):
    services.invite(assessment, user=staff, contact=contact, language="en")
    assert mail.outbox[-1].subject == "[DueDiligence] Request to answer a security questionnaire"
    assert "Dear 山田 太郎," in mail.outbox[-1].body


def test_the_link_host_is_site_url_not_the_requests_host(
    settings, assessment, staff, client, media
):
    settings.SITE_URL = "https://dd.example.jp"
    settings.ALLOWED_HOSTS = ["*"]
    client.force_login(staff)
    client.post(
        f"/assessments/{assessment.pk}/invitations/new/",
        {"new_email": "a@portal.example", "kind": "questionnaire", "days": 14, "language": "ja"},
        HTTP_HOST="evil.example",
    )
    assert LINK.search(mail.outbox[-1].body).group(0).startswith("https://dd.example.jp/portal/i/")


def test_names_from_data_cannot_inject_headers(assessment, vendor, staff, media):
    sly = Contact.objects.create(
        vendor=vendor, name="Eve\r\nBcc: spy@evil.example", email="eve@portal.example"
    )
    services.invite(assessment, user=staff, contact=sly)
    raw = mail.outbox[-1].message().as_string()
    headers = raw.split("\n\n", 1)[0]
    assert not any(line.lower().startswith("bcc:") for line in headers.splitlines())
    from email.utils import getaddresses

    assert [a for _n, a in getaddresses(mail.outbox[-1].recipients())] == ["eve@portal.example"]


def test_the_staff_form_invites_contacts_and_a_new_address(
    assessment, contact, staff, client, media
):
    client.force_login(staff)
    response = client.post(
        f"/assessments/{assessment.pk}/invitations/new/",
        {
            "contacts": [contact.pk],
            "new_name": "鈴木 一郎",
            "new_email": "suzuki@portal.example",
            "sections": ["CON"],
            "kind": "questionnaire",
            "due_date": "2030-01-31",
            "days": 7,
            "language": "ja",
            "message": "ご協力ください",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(assessment=assessment, sections=["CON"]).count() == 2
    assert assessment.vendor.contacts.filter(email="suzuki@portal.example").exists()
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "鈴木 一郎" in page and "送信済み" in page
    vendor_page = client.get(f"/vendors/{assessment.vendor.pk}/").content.decode()
    assert "有効なポータルの回答依頼" in vendor_page


def test_the_staff_form_says_what_is_missing(assessment, staff, client):
    client.force_login(staff)
    response = client.post(
        f"/assessments/{assessment.pk}/invitations/new/",
        {"kind": "questionnaire", "days": 14, "language": "ja", "message": "残す"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "担当者を選ぶか、新しいメールアドレスを入力してください。" in text
    assert "残す" in text


def test_invite_vendor_command(assessment, capsys, media):
    out = io.StringIO()
    call_command(
        "invite_vendor",
        str(assessment.pk),
        "cli@portal.example",
        "--sections",
        "CON,INC",
        "--days",
        "5",
        "--lang",
        "en",
        "--print-link",
        stdout=out,
    )
    invitation = Invitation.objects.get(contact__email="cli@portal.example")
    assert invitation.sections == ["CON", "INC"] and invitation.language == "en"
    link = out.getvalue().strip().splitlines()[-1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.find_by_token(token) == invitation
    assert link in mail.outbox[-1].body
    with pytest.raises(CommandError, match="NOPE"):
        call_command("invite_vendor", str(assessment.pk), "x@portal.example", "--sections", "NOPE")
    with pytest.raises(CommandError, match="No assessment"):
        call_command("invite_vendor", "999999", "x@portal.example")


def test_log_lines_carry_a_hash_prefix_instead_of_the_token(invited):
    token = invited[1]
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET %s HTTP/1.1" 302 0',
        (f"/portal/i/{token}/",),
        None,
    )
    RedactPortalTokens().filter(record)
    line = record.getMessage()
    assert token not in line
    assert f"/portal/i/sha256:{token_prefix(token)}/" in line


def test_every_configured_handler_redacts(invited, caplog):
    # The console handler from settings, and runserver's, carry the filter.
    for name in ("", "django.server", "django.request"):
        for handler in logging.getLogger(name).handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            assert any(isinstance(f, RedactPortalTokens) for f in handler.filters), (name, handler)


def test_a_portal_404_logged_by_django_has_no_token(invited, caplog):
    caplog.handler.addFilter(RedactPortalTokens())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get(f"/portal/i/{invited[1]}x/")
    assert caplog.records, "Django logs a 404"
    assert all(invited[1] not in r.getMessage() for r in caplog.records)


def test_an_unreachable_mail_server_is_a_message_not_an_error(
    settings, assessment, staff, client, media
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(staff)
    response = client.post(
        f"/assessments/{assessment.pk}/invitations/new/",
        {"new_email": "a@portal.example", "kind": "questionnaire", "days": 14, "language": "ja"},
    )
    assert response.status_code == 200
    assert "メールを送信できませんでした" in response.content.decode()
    invitation = Invitation.objects.get(contact__email="a@portal.example")
    assert invitation.sent_at is None  # kept, to be re-sent
