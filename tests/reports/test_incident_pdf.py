"""The incident PDF: the PPC draft in Japanese holds every item of 施行規則第8条第1項
with the incident's data; the English summary too; the pipeline's claim, cache and
faults hold for it; the vendor's assessment report lists its incidents."""

import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.urls import reverse

from incidents import services as incidents
from reports import incident_pdf, rendering, services, tasks
from reports.models import IncidentReport
from tests.factories import make_incident

JST = ZoneInfo("Asia/Tokyo")


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


@pytest.fixture
def incident(vendor, staff, media):
    incident = make_incident(
        vendor,
        staff,
        title="顧客名簿の不正アクセス",
        description="委託先のサーバーに第三者が不正にアクセスした。",
        aware_at=datetime(2026, 8, 31, 23, 30, tzinfo=JST),
        data_categories="氏名、電話番号、住所",
        systems="受付システム",
        people_affected=1_234,
        malicious=True,
        cause="VPN機器の脆弱性の放置",
        secondary_damage="現時点で二次被害は確認されていない",
        response_to_people="対象者に書面で通知予定",
        publication="当社ウェブサイトで公表予定",
        prevention="脆弱性管理の手順を整備する",
        other_notes="警察に相談済み",
    )
    incidents.add_step(incident, kind="people_notified", user=staff)
    return incident


def test_the_ppc_draft_holds_every_required_item_with_the_data(incident, tmp_path):
    html, _digest = incident_pdf.build(incident, "ja")
    pdf, _pages = rendering.write_pdf(html)
    text = pdftotext(pdf, tmp_path)
    for expected in (
        "1.概要",
        "委託先のサーバーに第三者が不正にアクセスした。",
        "2.漏えい等が発生し、又は発生したおそれがある個人データの項目",
        "氏名、電話番号、住所",
        "3.漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
        "1234",
        "4.原因",
        "VPN機器の脆弱性の放置",
        "5.二次被害又はそのおそれの有無及びその内容",
        "現時点で二次被害は確認されていない",
        "6.本人への対応の実施状況",
        "対象者に書面で通知予定",
        "7.公表の実施状況",
        "当社ウェブサイトで公表予定",
        "8.再発防止のための措置",
        "脆弱性管理の手順を整備する",
        "9.その他参考となる事項",
        "警察に相談済み",
        "株式会社テスト電話代行",
        "施行規則第7条第3号",
        "2026年10月29日",  # 60 days, day 1 being 31 August
    ):
        assert expected in text, expected


def test_the_english_summary_is_in_english(incident, tmp_path):
    html, _digest = incident_pdf.build(incident, "en")
    text = pdftotext(rendering.write_pdf(html)[0], tmp_path)
    assert "Incidentsummaryformanagement" in text
    assert "TestCallAnsweringK.K." in text and "4.Cause" in text


def test_the_pipeline_renders_once_and_returns_the_stored_pdf(incident, staff, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda report: sent.append(report.pk) or True)
    monkeypatch.setattr(rendering, "write_pdf", lambda html: (b"%PDF-1.7\n%%EOF\n", 2))
    with transaction.atomic():
        report, created = incident_pdf.request_incident_report(incident, "ja", user=staff)
    assert created
    assert incident_pdf.render(report.pk).claimed
    assert not incident_pdf.render(report.pk).claimed  # ready: nothing to do
    report.refresh_from_db()
    assert report.status == IncidentReport.Status.READY and report.file
    with transaction.atomic():
        again, created = incident_pdf.request_incident_report(incident, "ja", user=staff)
    assert (again.pk, created) == (report.pk, False)
    incidents.update_incident(incident, user=staff, people_affected=2_000)
    with transaction.atomic():
        changed, created = incident_pdf.request_incident_report(incident, "ja", user=staff)
    assert created and changed.pk != report.pk


def test_a_render_error_fails_the_report_and_is_audited(incident, staff, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda report: True)

    def broken(html):
        raise ValueError("no fonts")

    monkeypatch.setattr(rendering, "write_pdf", broken)
    with transaction.atomic():
        report, _created = incident_pdf.request_incident_report(incident, "en", user=staff)
    assert tasks.render_incident_report.apply(args=[report.pk]).get() == "failed"
    report.refresh_from_db()
    assert report.status == IncidentReport.Status.FAILED and "no fonts" in report.error
    assert LogEntry.objects.get_for_object(report).filter(changes__icontains="failed").exists()


def test_the_sweep_requeues_a_stuck_incident_report(incident, staff, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    sent = []
    monkeypatch.setattr(services, "enqueue", lambda report: sent.append(report.pk) or True)
    report = IncidentReport.objects.create(
        incident=incident,
        language="ja",
        fingerprint="x" * 64,
        status=IncidentReport.Status.RENDERING,
        started_at=timezone.now() - timedelta(hours=1),
        lease_expires_at=timezone.now() - timedelta(minutes=1),
        attempts=1,
    )
    services.sweep()
    report.refresh_from_db()
    assert report.status == IncidentReport.Status.PENDING and sent == [report.pk]


def test_download_is_audited_and_named(client, incident, staff, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda report: True)
    monkeypatch.setattr(rendering, "write_pdf", lambda html: (b"%PDF-1.7\n%%EOF\n", 1))
    client.force_login(staff)
    client.post(reverse("reports:incident_request", args=[incident.pk]), {"language": "ja"})
    report = IncidentReport.objects.get(incident=incident)
    incident_pdf.render(report.pk)
    response = client.get(reverse("reports:incident_download", args=[report.pk]))
    assert response.status_code == 200
    assert "%E6%BC%8F" in response["Content-Disposition"]  # 漏えい等報告_下書き
    assert LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.ACCESS).exists()


def test_the_vendor_report_lists_its_incidents(assessment, staff, tmp_path):
    make_incident(assessment.vendor, staff, title="FAX誤送信", people_affected=2)
    html, _digest = services.build(assessment, "ja")
    assert "FAX誤送信" in html
