"""The link is a bearer secret confirmed by an e-mailed code; guessing either is
limited; expired, revoked and tampered links each get their page."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal import services
from portal.models import Invitation

from .conftest import last_code, open_portal


def test_the_token_is_256_bits_and_stored_only_as_its_sha256(invited):
    invitation, token = invited
    assert len(token) >= 43  # 32 random bytes, base64url
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert token not in repr(stored)


def test_the_link_expires_after_portal_link_days(settings, assessment, contact, staff, media):
    settings.PORTAL_LINK_DAYS = 3
    invitation, _token = services.invite(assessment, user=staff, contact=contact)
    left = invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)


def test_opening_the_link_mails_a_code_and_leaves_the_token_url(invited, contact):
    _invitation, token = invited
    client = Client()
    response = client.get(f"/portal/i/{token}/")
    assert response.status_code == 302
    assert response.url == "/portal/code/"
    assert token not in response.url
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "dd_portal" in response.cookies
    assert len(mail.outbox) == 2  # the invitation, then the code
    code_mail = mail.outbox[-1]
    assert code_mail.subject == "[DueDiligence] 確認コード"
    page = client.get("/portal/code/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    # Before the code, nothing of the questionnaire opens.
    assert client.get("/portal/").url == "/portal/code/"
    assert client.get("/portal/sections/CON/").url == "/portal/code/"


def test_the_code_opens_the_portal_and_never_logs_in_a_user(portal, invited):
    response = portal.get("/portal/")
    assert response.status_code == 200
    assert "sessionid" not in portal.cookies
    assert response.wsgi_request.user.is_authenticated is False
    invited[0].refresh_from_db()
    assert invited[0].verified_at is not None
    assert invited[0].status == Invitation.Status.VERIFIED


def test_five_wrong_codes_void_the_code(invited, contact):
    client = Client()
    client.get(f"/portal/i/{invited[1]}/")
    right = last_code(contact.email)
    wrong = "000000" if right != "000000" else "111111"
    for _n in range(5):
        response = client.post("/portal/code/", {"code": wrong})
        assert response.status_code == 200
    assert "新しいコード" in response.content.decode()
    # Even the right code no longer works: ask for a new one.
    response = client.post("/portal/code/", {"code": right})
    assert response.status_code == 200
    assert client.get("/portal/").url == "/portal/code/"
    client.post("/portal/code/resend/")
    assert client.post("/portal/code/", {"code": last_code(contact.email)}).url == "/portal/"


def test_a_code_expires_after_ten_minutes(invited, contact):
    client = Client()
    client.get(f"/portal/i/{invited[1]}/")
    Invitation.objects.filter(pk=invited[0].pk).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post("/portal/code/", {"code": last_code(contact.email)})
    assert response.status_code == 200
    assert "有効期限" in response.content.decode()


def test_guessing_tokens_is_limited_per_address_without_saying_whether_one_exists(
    settings, invited
):
    settings.PORTAL_GUESSES_PER_HOUR = 3
    client = Client()
    for n in range(3):
        assert client.get(f"/portal/i/guess{n:040d}/").status_code == 404
    blocked_guess = client.get(f"/portal/i/guess{'9' * 40}/")
    blocked_real = client.get(f"/portal/i/{invited[1]}/")
    assert blocked_guess.status_code == blocked_real.status_code == 429

    def page(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(blocked_guess) == page(blocked_real)
    assert invited[1] not in page(blocked_real)
    text = blocked_real.content.decode()
    assert "試行回数が多すぎます" in text and "Too many attempts" in text
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.9")
    assert other.get(f"/portal/i/{invited[1]}/").status_code == 302


def test_guessing_codes_is_limited_per_invitation_across_addresses(settings, invited, contact):
    settings.PORTAL_GUESSES_PER_HOUR = 4
    for n in range(4):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 10}")
        client.get(f"/portal/i/{invited[1]}/")
        client.post("/portal/code/", {"code": "999999" if n % 2 else "888888"})
        client.post("/portal/code/resend/")
    fresh = Client(REMOTE_ADDR="192.0.2.99")
    fresh.get(f"/portal/i/{invited[1]}/")
    response = fresh.post("/portal/code/", {"code": last_code(contact.email)})
    assert response.status_code == 429
    assert "試行回数が多すぎます" in response.content.decode()


def test_codes_sent_are_limited_per_invitation(settings, invited):
    settings.PORTAL_CODES_PER_HOUR = 2
    client = Client()
    client.get(f"/portal/i/{invited[1]}/")  # code 1
    client.post("/portal/code/resend/")  # code 2
    before = len(mail.outbox)
    response = client.post("/portal/code/resend/", follow=True)
    assert len(mail.outbox) == before
    assert "コードの請求が多すぎます" in response.content.decode()


@pytest.mark.parametrize("reason", ["expired", "revoked"])
def test_expired_and_revoked_links_say_so_in_both_languages_with_whom_to_contact(
    invited, staff, reason
):
    invitation, token = invited
    if reason == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - timedelta(days=15),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    else:
        services.revoke(invitation)
    response = Client().get(f"/portal/i/{token}/")
    assert response.status_code == 410
    text = response.content.decode()
    headline = {
        "expired": ("このリンクは有効期限が切れています", "This link has expired"),
        "revoked": ("このリンクは取り消されました", "This link was withdrawn"),
    }[reason]
    assert all(h in text for h in headline)
    assert staff.email in text
    assert "dd_portal" not in Client().get(f"/portal/i/{token}/").cookies


def test_a_tampered_token_is_simply_not_valid_in_both_languages(invited):
    _invitation, token = invited
    response = Client().get(f"/portal/i/{token[:-2]}xx/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "このリンクは無効です" in text and "This link is not valid" in text


def test_revoking_ends_a_live_portal_session(portal, invited):
    assert portal.get("/portal/").status_code == 200
    services.revoke(invited[0])
    response = portal.get("/portal/")
    assert response.status_code == 410
    assert "This link was withdrawn" in response.content.decode()


def test_resending_replaces_the_link_and_ends_sessions_on_the_old_one(portal, invited, contact):
    invitation, old = invited
    new = services.resend(invitation)
    assert portal.get("/portal/").status_code == 403
    assert Client().get(f"/portal/i/{old}/").status_code == 404
    open_portal(new, email=contact.email)


def test_extending_moves_the_expiry_on(invited):
    invitation = invited[0]
    before = invitation.expires_at
    services.extend(invitation, days=7)
    assert invitation.expires_at == before + timedelta(days=7)


def test_a_tampered_session_cookie_is_no_session(portal):
    portal.cookies["dd_portal"] = portal.cookies["dd_portal"].value[:-3] + "abc"
    assert portal.get("/portal/").status_code == 403


def test_same_origin_posts_pass_the_csrf_check_without_a_referrer(invited, contact):
    """no-referrer makes browsers send `Origin: null`; a same-origin fetch still passes,
    a cross-site one does not."""
    client = Client(enforce_csrf_checks=True)
    client.get(f"/portal/i/{invited[1]}/")
    token = client.get("/portal/code/").context["csrf_token"]
    data = {"code": last_code(contact.email), "csrfmiddlewaretoken": str(token)}
    cross = client.post("/portal/code/", data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
    assert cross.status_code == 403
    same = client.post("/portal/code/", data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert same.status_code == 302 and same.url == "/portal/"
