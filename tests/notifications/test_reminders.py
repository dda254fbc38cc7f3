"""send_reminders: each message once, whatever the re-runs; time travel over a
certificate's steps and an overdue finding; preferences; a refusing SMTP server."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments import services as assessment_services
from notifications import services
from notifications.models import Delivery, Notification, Preference

from .conftest import certificate, finding

TODAY = date(2026, 4, 1)


def run(day, *args):
    out = StringIO()
    call_command("send_reminders", "--today", day.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_running_twice_on_the_same_day_sends_each_message_once(smtp, vendor, staff):
    certificate(vendor, 30, today=TODAY)
    run(TODAY)
    run(TODAY)
    assert len(smtp.to(staff.email)) == 1
    assert Delivery.objects.filter(kind="certificate_expiring").count() == 1
    assert Notification.objects.filter(user=staff).count() == 1


def test_time_travel_over_a_certificates_steps_sends_90_30_7_and_expired_once_each(
    smtp, vendor, staff, manager
):
    cert = certificate(vendor, 100, today=TODAY)
    expiry = cert.valid_until
    steps = []
    for offset in range(100, -3, -1):  # every day from 100 days before to 2 days after
        run(expiry - timedelta(days=offset))
    for delivery in Delivery.objects.filter(user=staff).order_by("created_at", "pk"):
        steps.append((delivery.kind, delivery.step))
    assert steps == [
        ("certificate_expiring", "90"),
        ("certificate_expiring", "30"),
        ("certificate_expiring", "7"),
        ("certificate_expired", "overdue"),
    ]
    assert len(smtp.to(staff.email)) == 4
    # Managers hear of it in their digest, one per run that had something for them.
    manager_rows = Delivery.objects.filter(user=manager, kind__startswith="certificate")
    assert {d.channel for d in manager_rows} == {"digest"}
    assert manager_rows.count() == 4
    assert all(d.status == "sent" for d in manager_rows)
    digests = [m for m in smtp.to(manager.email) if "まとめ" in m["Subject"]]
    assert len(digests) == 4


def test_a_missed_day_moves_to_the_next_step_without_sending_the_missed_one(smtp, vendor, staff):
    cert = certificate(vendor, 20, today=TODAY)
    run(TODAY)  # 20 days left: the 30-day step, not the 90-day one
    run(cert.valid_until - timedelta(days=5))
    assert list(Delivery.objects.filter(user=staff).values_list("step", flat=True)) == ["7", "30"]


def test_an_overdue_finding_is_chased_once_and_cannot_be_turned_off(
    smtp, vendor, staff, manager, version
):
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    f = finding(assessment, staff, TODAY + timedelta(days=3))
    Preference.objects.create(user=staff, kind="finding_overdue", channel="off")
    run(TODAY)  # due in 3 days: the 7-day step
    run(TODAY + timedelta(days=4))  # overdue
    run(TODAY + timedelta(days=5))
    rows = Delivery.objects.filter(object_key=f"finding:{f.pk}").order_by("pk")
    assert [(d.kind, d.step) for d in rows] == [
        ("finding_due", "7"),
        ("finding_overdue", "overdue"),
    ]
    assert len(smtp.to(staff.email)) == 2


def test_a_resolved_finding_is_not_chased(smtp, vendor, staff, manager, version):
    assessment = assessment_services.start_assessment(vendor, user=staff, reviewer=manager)
    f = finding(assessment, staff, TODAY - timedelta(days=3))
    f.status = "resolved"
    f.save()
    run(TODAY)
    assert smtp.to(staff.email) == []


def test_preferences_immediate_digest_and_off(smtp, vendor, staff, other_staff, version):
    other_vendor = type(vendor).objects.create(name="株式会社二社目", owner=other_staff)
    third = type(vendor).objects.create(name="株式会社三社目", owner=staff)
    certificate(vendor, 30, today=TODAY)
    certificate(third, 60, today=TODAY)
    certificate(other_vendor, 30, today=TODAY)
    Preference.objects.create(user=staff, kind="certificate_expiring", channel="digest")
    Preference.objects.create(user=other_staff, kind="certificate_expiring", channel="off")
    run(TODAY)
    # Staff: both in one digest; the other: nothing at all, not even in the app.
    staff_mail = smtp.to(staff.email)
    assert len(staff_mail) == 1
    assert "2" in staff_mail[0]["Subject"]
    assert smtp.to(other_staff.email) == []
    assert not Notification.objects.filter(user=other_staff).exists()
    Preference.objects.filter(user=staff).update(channel="immediate")
    certificate(vendor, 5, kind="pmark", today=TODAY)
    run(TODAY)
    assert len(smtp.to(staff.email)) == 2


def test_a_refusing_smtp_server_is_retried_and_the_message_delivered_once(smtp, vendor, staff):
    smtp.refuse = 2
    certificate(vendor, 30, today=TODAY)
    run(TODAY)
    delivery = Delivery.objects.get(user=staff)
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at is not None
    # Before the backoff has passed, the sweep leaves it alone.
    assert services.sweep(now=delivery.next_attempt_at - timedelta(seconds=1))["sent"] == 0
    services.sweep(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    services.sweep(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 3, "")
    assert len(smtp.to(staff.email)) == 1
    # A later run records and sends nothing more.
    run(TODAY)
    assert len(smtp.to(staff.email)) == 1


def test_a_server_that_never_accepts_ends_in_a_recorded_failure(smtp, vendor, staff):
    smtp.refuse = 99
    certificate(vendor, 30, today=TODAY)
    run(TODAY)
    delivery = Delivery.objects.get(user=staff)
    while delivery.status == "pending":
        services.sweep(now=delivery.next_attempt_at + timedelta(seconds=1))
        delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert "451" in delivery.error
    from auditlog.models import LogEntry

    assert LogEntry.objects.filter(object_pk=str(delivery.pk), changes__icontains="failed").exists()


def test_the_send_task_retries_through_celery_then_the_sweep_delivers(smtp, vendor, staff):
    from notifications.tasks import send_delivery

    smtp.refuse = 1
    certificate(vendor, 30, today=TODAY)
    services.run_reminders(TODAY, send=False)
    delivery = Delivery.objects.get(user=staff)
    send_delivery.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    services.sweep(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(smtp.to(staff.email)) == 1


def test_dry_run_lists_and_neither_records_nor_sends(smtp, vendor, staff):
    cert = certificate(vendor, 30, today=TODAY)
    out = run(TODAY, "--dry-run")
    assert f"{staff.email}\tcertificate_expiring [30]\tcertification:{cert.pk}" in out
    assert "1 messages would be recorded." in out
    assert not Delivery.objects.exists()
    assert smtp.messages == []
    run(TODAY)
    assert "0 messages" in run(TODAY, "--dry-run")


def test_a_bad_date_is_refused_clearly():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "2026-13-01")


def test_reassessments_and_the_access_review(smtp, vendor, staff, manager):
    type(vendor).objects.filter(pk=vendor.pk).update(
        next_reassessment_on=TODAY + timedelta(days=20)
    )
    run(TODAY)
    run(TODAY + timedelta(days=21))
    assert list(Delivery.objects.filter(user=staff).values_list("kind", "step")) == [
        ("reassessment_overdue", "overdue"),
        ("reassessment_due", "30"),
    ]
    review = Delivery.objects.get(kind="access_review_due")
    assert review.user == manager and review.object_key == "access_review:2026Q2"
    from datetime import datetime

    from django.utils import timezone

    from accounts.models import AccessReview

    done = AccessReview.objects.create(reviewer=manager)
    AccessReview.objects.filter(pk=done.pk).update(
        completed_at=timezone.make_aware(datetime(2026, 7, 1, 10))
    )
    run(date(2026, 7, 2))  # this quarter's review is recorded: no reminder
    run(date(2026, 10, 1))  # the next quarter's is not
    assert list(
        Delivery.objects.filter(kind="access_review_due").values_list("object_key", flat=True)
    ) == ["access_review:2026Q4", "access_review:2026Q2"]
