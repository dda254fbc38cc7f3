"""Messages as the SMTP server receives them: language, headers, links, no
confidential detail in the subject, no header injection."""

from datetime import date

from django.core.management import call_command

from assessments import services as assessment_services
from notifications.models import Delivery

from .conftest import body, certificate

TODAY = date(2026, 4, 1)


def test_a_japanese_reader_gets_japanese_and_an_english_reader_english(
    smtp, vendor, staff, other_staff
):
    other_staff.language = "en"
    other_staff.save()
    vendor.assigned_staff.add(other_staff)
    english_vendor = type(vendor).objects.create(
        name="株式会社英語", name_en="Eigo Ltd.", owner=other_staff
    )
    certificate(vendor, 30, kind="pmark", today=TODAY)
    certificate(english_vendor, 30, kind="pmark", today=TODAY)
    call_command("send_reminders", "--today", TODAY.isoformat())
    (ja,) = smtp.to(staff.email)
    (en,) = smtp.to(other_staff.email)
    assert ja["Subject"].strip() == "[DueDiligence] 委託先の認証の有効期限が近づいています"
    assert en["Subject"].strip() == "[DueDiligence] A vendor's certificate expires soon"
    assert "株式会社通知テスト" in body(ja)
    assert "2026年5月1日" in body(ja)
    assert "プライバシーマーク" in body(ja)
    assert "Eigo Ltd." in body(en)
    assert "May 1, 2026" in body(en)
    assert "Privacy Mark" in body(en)
    for message in (ja, en):
        assert message["From"] == "DueDiligence <noreply@localhost>"
        assert message["Auto-Submitted"] == "auto-generated"
        # The subject names no vendor: it travels in the clear and shows on lock screens.
        assert "株式会社" not in message["Subject"] and "Ltd" not in message["Subject"]
        html = body(message, "html")
        assert (
            f'href="https://dd.example.jp/vendors/{vendor.pk if message is ja else english_vendor.pk}/"'
            in html
        )
        assert "https://dd.example.jp/notifications/preferences/" in body(message)
    assert ja["Content-Language"] == "ja" and en["Content-Language"] == "en"


def test_a_name_with_line_breaks_cannot_reach_the_headers(smtp, staff):
    vendor = type(staff).owned_vendors.rel.related_model.objects.create(
        name="悪意\r\nBcc: victim@example.com\r\nSubject: x", owner=staff
    )
    certificate(vendor, 30, today=TODAY)
    call_command("send_reminders", "--today", TODAY.isoformat())
    (message,) = smtp.messages
    rcpts, parsed = message
    assert rcpts == [staff.email]
    assert parsed["Bcc"] is None
    assert parsed["Subject"].strip().startswith("[DueDiligence] ")


def test_workflow_events_are_told_to_the_right_people(
    smtp, vendor, staff, other_staff, manager, version, django_capture_on_commit_callbacks
):
    from notifications import services

    vendor.assigned_staff.add(other_staff)
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.apply_action(assessment, "start", user=staff)
        assessment_services.apply_action(assessment, "submit", user=staff)
    assert list(Delivery.objects.values_list("kind", "user__username")) == [
        ("assessment_submitted", "bob")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.apply_action(assessment, "return", user=manager, comment="直して")
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.apply_action(assessment, "submit", user=staff)
        assessment_services.apply_action(assessment, "begin_review", user=manager)
        assessment_services.apply_action(assessment, "approve", user=manager)
    rows = sorted(Delivery.objects.values_list("kind", "user__username"))
    assert rows == [
        ("assessment_approved", "charlie"),
        ("assessment_approved", "dave"),
        ("assessment_returned", "charlie"),
        ("assessment_submitted", "bob"),
        ("assessment_submitted", "bob"),  # submitted twice: told twice, once each
    ]
    services.send_pending()
    assert len(smtp.to(manager.email)) == 2
    approved = smtp.to(other_staff.email)
    assert len(approved) == 1
    assert f"https://dd.example.jp/assessments/{assessment.pk}/" in body(approved[0])
    services.send_pending()
    assert len(smtp.messages) == 5


def test_a_rolled_back_action_tells_nobody(vendor, staff, manager, version):
    from django.db import transaction

    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    assessment_services.apply_action(assessment, "start", user=staff)
    with transaction.atomic():
        assessment_services.apply_action(assessment, "submit", user=staff)
        transaction.set_rollback(True)
    assert not Delivery.objects.exists()


def test_report_ready_is_told_only_to_who_asked_and_chose_to_be_told(
    smtp, vendor, staff, manager, version
):
    from notifications import services
    from notifications.models import Preference
    from reports import signals
    from reports.models import Report

    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    report = Report.objects.create(
        assessment=assessment, language="ja", requested_by=staff, fingerprint="f" * 64
    )
    signals.report_ready.send(sender=Report, report=report)
    assert not Delivery.objects.exists()  # off unless chosen
    Preference.objects.create(user=staff, kind="report_ready", channel="immediate")
    second = Report.objects.create(
        assessment=assessment, language="en", requested_by=staff, fingerprint="e" * 64
    )
    signals.report_ready.send(sender=Report, report=second)
    services.send_pending()
    (message,) = smtp.to(staff.email)
    assert f"/reports/{second.pk}/" in body(message)
