"""The portal's kinds of notification, through the one registry: questionnaire due
dates to the invited contact (7, 3, 1 days and overdue, in the contact's language) and
overdue to staff, a vendor's submission and reply to owner and assigned staff, and a
shared finding's due dates to the vendor contact. Received by a real SMTP server."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Finding
from notifications import registry
from notifications import services as notification_services
from notifications.models import Delivery, Notification
from portal import services
from portal.models import AnswerReview, Invitation
from tests.factories import approved_assessment
from tests.notifications.conftest import body, smtp  # noqa: F401 - the SMTP server fixture
from vendors.models import Contact

from .conftest import open_portal

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DUE = TODAY + timedelta(days=10)


def _remind(day):
    call_command("send_reminders", "--today", day.isoformat())


def _reminders(smtp, address):  # noqa: F811 - the fixture's value
    return [
        m for m in smtp.to(address) if "Reminder" in m["Subject"] or "リマインド" in m["Subject"]
    ]


@pytest.fixture
def due_invitation(assessment, contact, staff, media):
    invitation, _token = services.invite(
        assessment, user=staff, contact=contact, sections=["CON"], due_date=DUE, days=60
    )
    return invitation


def test_the_contact_is_reminded_7_3_and_1_days_before_and_when_overdue_once_each(
    smtp,  # noqa: F811
    due_invitation,
    contact,
    staff,
    other_staff,
    vendor,
):
    vendor.assigned_staff.add(other_staff)
    days = [DUE - timedelta(days=n) for n in (8, 7, 7, 6, 3, 3, 1, 1, 0)] + [
        DUE + timedelta(days=1),
        DUE + timedelta(days=1),
        DUE + timedelta(days=2),
    ]
    for day in days:
        _remind(day)
    to_contact = _reminders(smtp, contact.email)
    assert len(to_contact) == 4  # 7, 3, 1 days and overdue: each once, however many runs
    rows = Delivery.objects.filter(recipient_key=f"contact:{contact.pk}").order_by("pk")
    assert [(d.kind, d.step) for d in rows] == [
        ("portal_invitation_due", "7"),
        ("portal_invitation_due", "3"),
        ("portal_invitation_due", "1"),
        ("portal_invitation_overdue", "overdue"),
    ]
    assert {d.contact_id for d in rows} == {contact.pk} and not any(d.user_id for d in rows)
    assert not Notification.objects.filter(delivery__in=rows).exists()  # no bell: no account
    first = to_contact[0]
    assert (
        first["Subject"].strip()
        == "[DueDiligence] リマインド: セキュリティ質問票の回答期限が近づいています"
    )
    text = body(first)
    assert "株式会社ポータル" in text
    assert f"{DUE.year}年{DUE.month}月{DUE.day}日" in text
    assert "https://dd.example.jp/portal/" in text
    assert "/notifications/preferences/" not in text  # a contact has no preferences
    assert 'href="https://dd.example.jp/portal/"' in body(first, "html")
    assert "株式会社" not in first["Subject"]
    # Staff hear of it when it is overdue: the owner, the assigned staff, once each.
    for user in (staff, other_staff):
        (overdue,) = smtp.to(user.email)
        assert "回答期限を過ぎています" in overdue["Subject"]
        assert "山田 太郎" in body(overdue)
        assert f"https://dd.example.jp/assessments/{due_invitation.assessment_id}/" in body(overdue)


def test_a_contact_who_chose_english_is_reminded_in_english(
    smtp,  # noqa: F811
    due_invitation,
    contact,
):
    Invitation.objects.filter(pk=due_invitation.pk).update(language="en")
    _remind(DUE - timedelta(days=3))
    (message,) = _reminders(smtp, contact.email)
    assert message["Subject"].strip() == (
        "[DueDiligence] Reminder: a security questionnaire is due soon"
    )
    assert message["Content-Language"] == "en"
    text = body(message)
    assert "Portal Ltd." in text
    assert f"{DUE.day}, {DUE.year}" in text
    assert "the link in your invitation e-mail" in text


def test_no_reminder_once_submitted_revoked_or_without_a_due_date(
    smtp,  # noqa: F811
    due_invitation,
    assessment,
    contact,
    staff,
):
    other = Contact.objects.create(vendor=contact.vendor, name="佐藤 花子", email="sato@p.example")
    undated, _token = services.invite(assessment, user=staff, contact=other, sections=["INC"])
    assert undated.due_date is None
    Invitation.objects.filter(pk=due_invitation.pk).update(submitted_at=timezone.now())
    _remind(DUE - timedelta(days=1))
    _remind(DUE + timedelta(days=1))
    assert not Delivery.objects.filter(kind__startswith="portal_invitation").exists()
    Invitation.objects.filter(pk=due_invitation.pk).update(submitted_at=None)
    services.revoke(due_invitation)
    _remind(DUE + timedelta(days=2))
    assert not Delivery.objects.filter(kind__startswith="portal_invitation").exists()


def test_a_dry_run_lists_the_contact_and_records_nothing(due_invitation, contact, capsys):
    call_command("send_reminders", "--dry-run", "--today", (DUE - timedelta(days=7)).isoformat())
    out = capsys.readouterr().out
    assert "portal_invitation_due" in out and contact.email in out
    assert not Delivery.objects.exists()


def test_a_delivery_to_a_contact_is_recorded_once(due_invitation, contact):
    _remind(DUE - timedelta(days=7))
    delivery = Delivery.objects.get(kind="portal_invitation_due")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind=delivery.kind,
            object_key=delivery.object_key,
            recipient_key=delivery.recipient_key,
            step=delivery.step,
            contact=contact,
            email=contact.email,
            language="ja",
            channel="immediate",
            batch="x",
        )


def test_a_submission_and_a_reply_are_told_to_owner_and_assigned_staff(
    smtp,  # noqa: F811
    invited,
    assessment,
    staff,
    other_staff,
    manager,
    vendor,
):
    vendor.assigned_staff.add(other_staff)
    other_staff.language = "en"
    other_staff.save()
    # Turned off by one: preferences apply to the portal's kinds too.
    notification_services.set_preferences(staff, {"portal_vendor_replied": "off"})
    review = services.ask_question(
        assessment, assessment.version.items.get(code="CON-01"), user=manager, text="根拠は？"
    )
    services.return_to_vendor(assessment, user=manager)
    services.reply(Invitation.objects.get(pk=invited[0].pk), review, text="規程第3条です")
    notification_services.send_pending()
    assert not [m for m in smtp.to(staff.email) if "質問" in m["Subject"]]
    (replied,) = smtp.to(other_staff.email)
    assert replied["Subject"].strip() == "[DueDiligence] A vendor answered a question"
    assert "山田 太郎 of Portal Ltd. answered your question on item CON-01." in body(replied)
    assert f"/assessments/{assessment.pk}/review/#review-CON-01" in body(replied)
    assert AnswerReview.objects.get(pk=review.pk).status == "answered"
    # The bell shows it to the user who kept it on.
    assert Notification.objects.filter(user=other_staff, kind="portal_vendor_replied").exists()


def test_the_portal_kinds_are_in_the_registry_and_vendor_ones_not_in_preferences():
    codes = {k.code for k in registry.kinds()}
    assert {
        "portal_invitation_due",
        "portal_invitation_overdue",
        "portal_invitation_overdue_staff",
        "portal_vendor_submitted",
        "portal_vendor_replied",
    } <= codes
    user_codes = {k.code for k in registry.user_kinds()}
    assert "portal_invitation_due" not in user_codes
    assert "portal_vendor_submitted" in user_codes


def test_a_shared_finding_reminds_the_vendor_contact_too(
    smtp,  # noqa: F811
    vendor,
    contact,
    staff,
    manager,
    checklist,
    media,
):
    assessment = approved_assessment(vendor, staff, manager, {"CON-01": "no"})
    finding = Finding.objects.get(assessment=assessment, item__code="CON-01")
    due = TODAY + timedelta(days=20)
    Finding.objects.filter(pk=finding.pk).update(due_date=due, owner=staff)
    services.invite(assessment, user=staff, contact=contact, kind=Invitation.Kind.REMEDIATION)
    Invitation.objects.filter(contact=contact, kind="remediation").update(language="en")
    _remind(due - timedelta(days=7))
    _remind(due - timedelta(days=7))
    _remind(due + timedelta(days=1))
    to_contact = [m for m in smtp.to(contact.email) if "finding" in m["Subject"]]
    assert [m["Subject"].strip() for m in to_contact] == [
        "[DueDiligence] A finding is due soon",
        "[DueDiligence] A finding is overdue",
    ]
    assert "Finding CON-01 of Portal Ltd." in body(to_contact[0])
    assert "https://dd.example.jp/portal/" in body(to_contact[0])
    assert "/assessments/" not in body(to_contact[0])  # no staff page for the vendor
    assert len([m for m in smtp.to(staff.email) if "指摘事項" in m["Subject"]]) == 2
    rows = Delivery.objects.filter(recipient_key=f"contact:{contact.pk}", kind__startswith="find")
    assert rows.count() == 2 and all(r.url == "/portal/" for r in rows)


def test_a_finding_not_shared_stays_with_staff(
    smtp,  # noqa: F811
    vendor,
    contact,
    staff,
    manager,
    checklist,
):
    assessment = approved_assessment(vendor, staff, manager, {"CON-01": "no"})
    due = TODAY + timedelta(days=5)
    Finding.objects.filter(assessment=assessment).update(due_date=due, owner=staff)
    _remind(TODAY)
    assert not smtp.to(contact.email)
    assert Delivery.objects.filter(kind="finding_due", user=staff).exists()


def test_the_submission_is_told_once_per_submission(invited, assessment, staff, contact):
    from assessments.models import Answer

    for item in assessment.version.items.filter(section__code__in=["CON", "INC"]):
        Answer.objects.create(assessment=assessment, item=item, value="yes")
    services.submit(invited[0])
    assert Delivery.objects.filter(kind="portal_vendor_submitted", user=staff).count() == 1
    client = open_portal(invited[1], email=contact.email)
    assert client.post("/portal/submit/").status_code == 302  # already submitted: refused
    assert Delivery.objects.filter(kind="portal_vendor_submitted").count() == 1
