"""Fixtures for notification tests: a real SMTP server (aiosmtpd) on a free local port
that Django's SMTP backend talks to, and able to refuse the first messages."""

import email
import email.policy
import socket
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from assessments.models import Finding
from questionnaires.checklists import install_default_checklist
from vendors.models import Certification, Vendor


@dataclass
class Mailbox:
    """What the SMTP server received, parsed; ``refuse`` answers 451 that many times."""

    messages: list = field(default_factory=list)
    refuse: int = 0
    refused: int = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://dd.example.jp"
    yield mailbox
    controller.stop()


def body(message, subtype="plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content()


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社通知テスト", name_en="Notify Test K.K.", owner=staff)


def certificate(vendor, days, kind=Certification.Kind.ISO27001, today=None):
    today = today or timezone.localdate()
    return Certification.objects.create(
        vendor=vendor,
        kind=kind,
        registration_number="IS 12345",
        valid_until=today + timedelta(days=days),
    )


def finding(assessment, owner, due_date, code="CON-01"):
    item = assessment.version.items.get(code=code)
    return Finding.objects.create(
        assessment=assessment,
        vendor=assessment.vendor,
        item=item,
        severity="high",
        value=0,
        owner=owner,
        due_date=due_date,
    )
