"""Recording an incident, changing its facts (history kept), the timeline and closing."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents import services
from incidents.models import Incident, IncidentPolicy, IncidentStep
from reports.models import IncidentReport
from tests.factories import make_incident, pdf_upload
from vendors import retention

JST = ZoneInfo("Asia/Tokyo")


def test_a_staff_record_is_classified_and_its_deadlines_set(vendor, staff):
    aware = datetime(2026, 8, 31, 23, 30, tzinfo=JST)
    incident = make_incident(vendor, staff, aware_at=aware, people_affected=1_001)
    assert incident.reportable and incident.cases == "appi_7_4"
    assert incident.status == Incident.Status.OPEN
    assert incident.quick_report_due_on == date(2026, 9, 3)
    assert incident.notice_due_on == date(2026, 9, 5)
    assert incident.final_report_due_on == date(2026, 9, 29)
    assert incident.revisions.count() == 1
    assert incident.steps.get().kind == IncidentStep.Kind.VENDOR_NOTIFIED


def test_facts_changing_reclassify_and_keep_the_history(vendor, staff):
    incident = make_incident(vendor, staff, people_affected=800)
    assert not incident.reportable and incident.final_report_due_on is None
    services.update_incident(incident, user=staff, people_affected=1_500)
    assert incident.reportable and incident.final_report_days == 30
    first_due = incident.final_report_due_on
    services.update_incident(incident, user=staff, malicious=True)
    assert incident.final_report_days == 60 and incident.final_report_due_on > first_due
    services.update_incident(incident, user=staff, description="詳細が判明")  # no fact changed
    history = list(incident.revisions.order_by("changed_at", "pk"))
    assert [r.facts["people_affected"] for r in history] == [800, 1_500, 1_500]
    assert [r.reportable for r in history] == [False, True, True]
    assert history[-1].cases == "appi_7_3,appi_7_4"


def test_a_reportable_incident_brings_the_reassessment_forward(vendor, staff):
    vendor.next_reassessment_on = date(2030, 1, 1)
    vendor.save()
    incident = make_incident(vendor, staff, sensitive_data=True, people_affected=1)
    vendor.refresh_from_db()
    days = IncidentPolicy.current().reassessment_days
    assert vendor.next_reassessment_on == incident.aware_at.astimezone(JST).date() + timedelta(days)


def test_a_contact_report_waits_for_review_and_the_clock_runs_from_arrival(vendor, contact):
    with time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=JST), tick=False):
        incident = make_incident(vendor, contact=contact, people_affected=2_000)
    assert incident.status == Incident.Status.REPORTED
    assert incident.aware_at.astimezone(JST).date() == date(2026, 3, 31)
    assert incident.final_report_due_on == date(2026, 4, 29) + timedelta(days=1)  # 昭和の日
    with pytest.raises(ValueError):
        services.update_incident(incident, contact=contact, status="closed")


def test_steps_meet_deadlines_and_closing_needs_cause_and_prevention(vendor, staff, media):
    incident = make_incident(vendor, staff, malicious=True, people_affected=3)
    services.add_step(incident, kind=IncidentStep.Kind.QUICK_REPORT, user=staff)
    assert incident.quick_report_sent_on is not None
    with pytest.raises(ValidationError):
        services.close_incident(incident, user=staff)
    services.add_step(
        incident, kind=IncidentStep.Kind.ROOT_CAUSE, user=staff, files=[pdf_upload("原因.pdf")]
    )
    services.update_incident(incident, user=staff, cause="設定不備", prevention="二重確認")
    with pytest.raises(ValidationError):
        services.close_incident(incident, user=staff)  # no prevention step yet
    services.add_step(incident, kind=IncidentStep.Kind.PREVENTION, user=staff)
    services.close_incident(incident, user=staff)
    assert incident.status == Incident.Status.CLOSED and incident.closed_at
    with pytest.raises(ValidationError):
        services.update_incident(incident, user=staff, people_affected=4)


def test_a_contact_may_only_add_notes_and_containment(incident, contact):
    with pytest.raises(ValidationError):
        services.add_step(incident, kind=IncidentStep.Kind.FINAL_REPORT, contact=contact)
    services.add_step(incident, kind=IncidentStep.Kind.CONTAINED, contact=contact)


def test_changing_the_targets_moves_the_open_deadlines(incident, staff):
    before = incident.quick_report_due_on
    services.save_policy(quick_report_days=1, notice_days=2, reassessment_days=30)
    incident.refresh_from_db()
    assert incident.quick_report_due_on == before - timedelta(days=2)


def test_retention_deletes_the_timeline_files_and_keeps_the_incident(incident, staff, media):
    from django.utils import timezone

    step = services.add_step(
        incident, kind=IncidentStep.Kind.NOTE, user=staff, files=[pdf_upload("報告.pdf")]
    )
    stored = step.files.get()
    vendor = incident.vendor
    vendor.status, vendor.offboarded_at = "offboarded", timezone.now() - timedelta(days=4000)
    vendor.save()
    assert stored in retention.plan_for(vendor).files
    retention.purge_due()
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_incident_pdfs_download_name_carries_the_japan_date(incident):
    report = IncidentReport(incident=incident, language="ja", fingerprint="x")
    # 16:30 UTC on 3 December is 01:30 on 4 December in Tokyo.
    report.finished_at = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)
    assert report.download_name() == "株式会社漏えいテスト_漏えい等報告_下書き_20261204.pdf"
    report.language = "en"
    report.finished_at = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert report.download_name() == "Leak Test K.K._incident-summary_20261203.pdf"
