"""The bell, the notifications page, preferences, the calendar feed and the delivery
log, as their users see them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from assessments import services as assessment_services
from notifications import services
from notifications.models import CalendarFeed, Delivery, Notification, Preference
from vendors.models import Vendor

from .conftest import certificate, finding

TODAY = date(2026, 4, 1)


@pytest.fixture
def notified(vendor, staff):
    certificate(vendor, 30, today=TODAY)
    certificate(vendor, 5, kind="pmark", today=TODAY)
    services.run_reminders(TODAY, send=False)
    return Notification.objects.filter(user=staff)


def test_the_bell_counts_unread_and_the_page_lists_filters_and_marks_read(client, staff, notified):
    client.force_login(staff)
    bell = client.get(reverse("notifications:bell"))
    assert 'data-testid="notification-count">2<' in bell.content.decode()
    assert 'hx-trigger="every 60s, refresh-bell from:body"' in bell.content.decode()
    page = client.get(reverse("notifications:index"))
    assert page.content.decode().count('data-testid="notification"') == 2
    assert "株式会社通知テスト" in page.content.decode()
    one = client.get(reverse("notifications:index"), {"kind": "certificate_expiring"})
    assert one.content.decode().count('data-testid="notification"') == 2
    none = client.get(reverse("notifications:index"), {"kind": "finding_due"})
    assert 'data-testid="notification"' not in none.content.decode()
    first = notified.first()
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response.url == first.url
    assert "1<" in client.get(reverse("notifications:bell")).content.decode()
    client.post(reverse("notifications:read"), {"next": "https://evil.example/"})
    assert Notification.objects.filter(user=staff, read_at__isnull=True).count() == 0
    assert (
        'data-testid="notification-count"'
        not in client.get(reverse("notifications:bell")).content.decode()
    )


def test_someone_elses_notification_is_a_404(client, other_staff, notified):
    client.force_login(other_staff)
    assert client.get(reverse("notifications:open", args=[notified.first().pk])).status_code == 404
    client.post(reverse("notifications:read"), {"id": [str(n.pk) for n in notified]})
    assert notified.filter(read_at__isnull=True).count() == 2


def test_the_page_renders_in_a_fixed_number_of_queries(
    client, staff, notified, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:index"))


def test_preferences_are_saved_and_mandatory_kinds_keep_no_off(client, staff):
    client.force_login(staff)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="finding_overdue"' in page
    data = {k.code: "digest" for k in services.registry.kinds()}
    data["certificate_expiring"] = "off"
    data["finding_overdue"] = "off"  # not offered: refused with a message
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert not Preference.objects.exists()
    data["finding_overdue"] = "immediate"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert services.preferences_of(staff)["certificate_expiring"] == "off"
    assert services.preferences_of(staff)["finding_overdue"] == "immediate"


def _feed_url(client, user):
    client.force_login(user)
    client.post(reverse("notifications:calendar_new"))
    page = client.get(reverse("notifications:calendar")).content.decode()
    start = page.index("http://testserver/notifications/calendar/")
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def test_the_calendar_feed_lists_exactly_what_its_owner_may_see(
    client, staff, other_staff, manager, vendor, version
):
    today = date.today()
    certificate(vendor, 40)
    assessment = assessment_services.start_assessment(
        vendor, user=staff, reviewer=manager, due_date=today + timedelta(days=10)
    )
    finding(assessment, staff, today + timedelta(days=20))
    Vendor.objects.filter(pk=vendor.pk).update(next_reassessment_on=today + timedelta(days=50))
    hidden = Vendor.objects.create(name="株式会社見えない", owner=other_staff)
    certificate(hidden, 40)
    url = _feed_url(client, staff)
    client.logout()
    response = client.get(url)  # no session: calendar apps have none
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events == {
        "ISO/IEC 27001の有効期限: 株式会社通知テスト": today + timedelta(days=40),
        "評価の期限: 株式会社通知テスト": today + timedelta(days=10),
        "指摘事項 CON-01 の期限: 株式会社通知テスト": today + timedelta(days=20),
        "再評価の期限: 株式会社通知テスト": today + timedelta(days=50),
    }
    # The manager reviews the assessment and sees every vendor, in English.
    manager.language = "en"
    manager.save()
    assessment_services.apply_action(assessment, "start", user=staff)
    assessment_services.apply_action(assessment, "submit", user=staff)
    manager_events = [
        str(e["summary"])
        for e in Calendar.from_ical(client.get(_feed_url(client, manager)).content).walk("VEVENT")
    ]
    assert "Review: Notify Test K.K." in manager_events
    assert "ISO/IEC 27001 expires: 株式会社見えない" in manager_events


def test_a_revoked_or_replaced_feed_is_a_404(client, staff):
    first = _feed_url(client, staff)
    second = _feed_url(client, staff)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.post(reverse("notifications:calendar_revoke"))
    assert client.get(second).status_code == 404
    assert client.get("/notifications/calendar/not-a-token.ics").status_code == 404
    # Only the hash is kept.
    token = second.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(token_hash=token).exists()


def test_the_delivery_log_shows_failures_and_sends_again(client, admin_user, smtp, vendor, staff):
    smtp.refuse = 99
    certificate(vendor, 30, today=TODAY)
    services.run_reminders(TODAY, send=False)
    delivery = Delivery.objects.get(user=staff)
    services.fail(delivery.pk, "SMTPDataError: 451 Try again later")
    client.force_login(admin_user)
    page = client.get(reverse("notifications:deliveries"), {"status": "failed"}).content.decode()
    assert "451 Try again later" in page
    smtp.refuse = 0
    response = client.post(reverse("notifications:resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(smtp.to(staff.email)) == 1


def test_the_bell_poll_does_not_keep_an_idle_session_alive(client, staff):
    from django.conf import settings
    from django.contrib.sessions.models import Session

    client.force_login(staff)
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(
        expire_date=session.expire_date - timedelta(minutes=5)
    )
    before = Session.objects.get().expire_date
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == before
    # Any other page is activity and renews it.
    client.get(reverse("notifications:index"))
    assert Session.objects.get().expire_date > before
