"""The breach clock's reminders: before each deadline and once when missed, to the
vendor's people and the managers; a contact's portal report tells them at once."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from incidents import services as incidents
from notifications.models import Delivery
from tests.factories import make_incident
from vendors.models import Contact

JST = ZoneInfo("Asia/Tokyo")


def run(day):
    call_command("send_reminders", "--today", day.isoformat(), stdout=StringIO())


def test_time_travel_over_an_incident_reminds_before_each_deadline_and_when_missed(
    smtp, vendor, staff, manager
):
    incident = make_incident(
        vendor,
        staff,
        sensitive_data=True,
        people_affected=3,
        aware_at=datetime(2026, 4, 1, 23, 30, tzinfo=JST),
    )
    assert incident.quick_report_due_on == date(2026, 4, 4)
    for offset in range(0, 8):
        day = date(2026, 4, 1) + timedelta(days=offset)
        run(day)
        run(day)  # a second run the same day sends nothing more
        if day == date(2026, 4, 4):  # the morning's reminder, then the report
            incidents.add_step(incident, kind="quick_report", user=staff)
    rows = list(
        Delivery.objects.filter(user=staff, object_key__startswith=f"incident:{incident.pk}:")
        .order_by("created_at", "pk")
        .values_list("kind", "step", "object_key")
    )
    quick = [(k, s) for k, s, key in rows if ":quick_report:" in key]
    notice = [(k, s) for k, s, key in rows if ":notice:" in key]
    # The preliminary report was sent on its day: reminded 3 and 1 days before and on
    # the day, never chased as missed.
    assert quick == [
        ("incident_deadline_due", "3"),
        ("incident_deadline_due", "1"),
        ("incident_deadline_due", "0"),
    ]
    # The notice to the people (target 5 days) was not recorded: missed once.
    assert notice[-1] == ("incident_deadline_missed", "overdue")
    assert notice.count(("incident_deadline_missed", "overdue")) == 1
    assert Delivery.objects.filter(user=manager, kind="incident_deadline_missed").count() == 1
    assert smtp.to(staff.email)


def test_a_deadline_that_moves_is_reminded_of_again(smtp, vendor, staff):
    incident = make_incident(
        vendor, staff, people_affected=1_500, aware_at=datetime(2026, 4, 1, 9, tzinfo=JST)
    )
    run(date(2026, 4, 30))  # the final report (30 April) is due today
    incidents.update_incident(incident, user=staff, malicious=True)  # now 60 days: 30 May
    run(date(2026, 5, 29))
    finals = Delivery.objects.filter(object_key__contains=":final_report:").values_list(
        "object_key", flat=True
    )
    assert {key.rsplit(":", 1)[1] for key in finals} >= {"2026-04-30", "2026-06-01"}


def test_a_portal_report_tells_the_vendors_people_at_once(
    smtp, vendor, staff, manager, django_capture_on_commit_callbacks
):
    contact = Contact.objects.create(vendor=vendor, name="窓口", email="c@vendor.example")
    with django_capture_on_commit_callbacks(execute=True):
        incident = make_incident(vendor, contact=contact, people_affected=None)
    keys = set(
        Delivery.objects.filter(kind="incident_reported").values_list("user__username", flat=True)
    )
    assert keys == {staff.username, manager.username}
    assert Delivery.objects.get(user=staff, kind="incident_reported").url.endswith(
        f"/incidents/{incident.pk}/"
    )
