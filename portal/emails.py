"""Portal e-mail: plain text and HTML, in the recipient's language, with subjects that
name no vendor, no finding and no assessment detail. Names come from data, so they
are stripped of control characters before they reach a header, and the link's host is
SITE_URL, never the Host header of whoever triggered the sending."""

import logging
import smtplib
import unicodedata
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

SUBJECTS = {
    "invitation": lambda: _("Request to answer a security questionnaire"),
    "remediation": lambda: _("Request to plan the remediation of findings"),
    "code": lambda: _("Your confirmation code"),
    "returned": lambda: _("Questions about your answers"),
}


def header_safe(text: str) -> str:
    """One line of text for a display name: control characters (CR, LF, ...) dropped."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch)[0] != "C").strip()[:100]


def portal_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:landing", args=[token])


def send(kind: str, *, to_name: str, to_email: str, language: str, context: dict) -> None:
    with translation.override(language):
        subject = f"[DueDiligence] {SUBJECTS[kind]()}"
        context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
        text = render_to_string(f"portal/email/{kind}.txt", context)
        html = render_to_string(f"portal/email/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((header_safe(to_name), to_email))],
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        log.warning("portal %s e-mail not sent: %s", kind, error.__class__.__name__)
        raise ValidationError(
            _("The e-mail could not be sent. Try again later (re-send the invitation)."),
            code="mail_failed",
        ) from None


def send_invitation(invitation, token: str) -> None:
    contact = invitation.contact
    kind = "remediation" if invitation.kind == invitation.Kind.REMEDIATION else "invitation"
    send(
        kind,
        to_name=contact.name,
        to_email=contact.email,
        language=invitation.language,
        context={"invitation": invitation, "contact": contact, "link": portal_link(token)},
    )


def send_code(invitation, code: str) -> None:
    contact = invitation.contact
    send(
        "code",
        to_name=contact.name,
        to_email=contact.email,
        language=invitation.language,
        context={
            "invitation": invitation,
            "code": code,
            "minutes": settings.PORTAL_CODE_MINUTES,
        },
    )


def send_returned(invitation, questions: int) -> None:
    contact = invitation.contact
    send(
        "returned",
        to_name=contact.name,
        to_email=contact.email,
        language=invitation.language,
        context={"invitation": invitation, "questions": questions},
    )
