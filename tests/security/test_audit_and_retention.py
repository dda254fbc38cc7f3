"""Audit viewer, access review, retention, error pages, production checks."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccessEvent, AccessReview
from audit.display import local_datetime
from vendors.models import Certification, StoredFile, Vendor
from vendors.retention import plans, purge_due

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vendor(staff):
    return Vendor.objects.create(name="株式会社監査テスト", owner=staff)


@pytest.mark.parametrize(("who", "status"), [("admin_user", 200), ("manager", 200), ("staff", 403)])
def test_audit_log_is_for_managers_and_admins(client, request, vendor, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit:changes")).status_code == status
    assert client.get(reverse("audit:access")).status_code == status
    assert client.get(reverse("audit:access_review")).status_code == status


def test_audit_log_filters_by_vendor_user_action_and_date(client, manager, staff, vendor):
    other = Vendor.objects.create(name="別会社", owner=staff)
    client.force_login(staff)
    client.post(reverse("vendors:status", args=[vendor.pk]), {"status": Vendor.Status.UNDER_REVIEW})
    client.force_login(manager)
    page = client.get(reverse("audit:changes"), {"vendor": "監査テスト"})
    records = {e.object_repr for e in page.context["page"]}
    assert vendor.name in records and other.name not in records
    updates = client.get(reverse("audit:changes"), {"vendor": vendor.name, "action": "1"})
    assert [e.action for e in updates.context["page"]] == [LogEntry.Action.UPDATE]
    assert updates.context["page"][0].actor == staff
    by_user = client.get(reverse("audit:changes"), {"user": staff.pk})
    assert all(e.actor == staff for e in by_user.context["page"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.get(reverse("audit:changes"), {"date_from": tomorrow})
    assert len(future.context["page"]) == 0


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ja", ("ステータス", "候補", "審査中")), ("en", ("Status", "Candidate", "Under review"))],
)
def test_audit_changes_read_as_field_names_and_choice_labels(
    client, manager, staff, vendor, language, expected
):
    client.force_login(staff)
    client.post(reverse("vendors:status", args=[vendor.pk]), {"status": Vendor.Status.UNDER_REVIEW})
    client.force_login(manager)
    client.cookies["django_language"] = language
    page = client.get(reverse("audit:changes"), {"vendor": vendor.name, "action": "1"})
    html = page.content.decode()
    label, before, after = expected
    assert f'<span class="fw-semibold">{label}</span>: {before} → {after}' in html
    assert ">status<" not in html
    csv = client.get(reverse("audit:changes"), {"vendor": vendor.name, "format": "csv"})
    assert f"{label}: {before} → {after}" in csv.content.decode("utf-8-sig")


def test_audit_changes_show_an_empty_value_as_a_dash(client, manager, vendor):
    vendor.next_reassessment_on = timezone.localdate()
    vendor.save()
    client.force_login(manager)
    page = client.get(reverse("audit:changes"), {"vendor": vendor.name, "action": "1"})
    html = page.content.decode()
    today = timezone.localdate()
    assert f"— → {today.year}年{today.month}月{today.day}日" in html
    assert "None" not in html


def test_audit_changes_name_related_records_and_show_local_times(
    client, manager, staff, other_staff, vendor
):
    vendor.owner = other_staff
    vendor.save()
    archived = timezone.now()
    vendor.archived_at = archived
    vendor.current_residual_risk = "critical"
    vendor.save()
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("audit:changes"), {"vendor": vendor.name, "action": "1"})
    page = html.content.decode()
    assert f'<span class="fw-semibold">Owner</span>: {staff} → {other_staff}' in page
    with translation.override("en"):
        local = local_datetime(archived)
    assert f'<span class="fw-semibold">Archived at</span>: — → {local}' in page
    assert '<span class="fw-semibold">Residual risk</span>: — → Critical' in page


def test_audit_page_names_related_records_in_a_fixed_number_of_queries(
    client, manager, staff, other_staff, django_assert_max_num_queries
):
    def reassign(count):
        for n in range(count):
            v = Vendor.objects.create(name=f"株式会社担当替え{n}", owner=staff)
            v.owner = other_staff
            v.save()

    client.force_login(manager)
    url = reverse("audit:changes")
    reassign(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"action": "1"})
    reassign(20)
    with django_assert_max_num_queries(len(few)):
        many = client.get(url, {"action": "1"})
    assert many.content.decode().count(f"→ {other_staff}") == 22


def test_audit_csv_export_has_bom_and_neutralised_cells(client, manager, staff):
    Vendor.objects.create(name="=cmd|' /C calc'!A0", owner=staff)
    client.force_login(manager)
    response = client.get(reverse("audit:changes"), {"format": "csv"})
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=cmd|" in body
    assert "\r\n=cmd" not in body and ",=cmd" not in body


def test_access_events_tab_lists_failed_logins(client, manager, staff):
    client.post(reverse("login"), {"username": "charlie", "password": "nope"})
    client.force_login(manager)
    page = client.get(reverse("audit:access"), {"action": "login_failed"})
    assert [e.username for e in page.context["page"]] == ["charlie"]


def test_audit_entries_cannot_be_changed_or_deleted_in_the_admin(client, admin_user, vendor):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    entry = LogEntry.objects.filter(object_pk=str(vendor.pk)).first()
    change = client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {})
    assert change.status_code in (302, 403)  # read-only view at most
    delete = client.post(
        reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_refused_access_to_someone_elses_vendor_is_logged(client, other_staff, vendor):
    client.force_login(other_staff)
    assert client.get(reverse("vendors:detail", args=[vendor.pk])).status_code == 404
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.DENIED)
    assert event.user == other_staff
    assert event.path == reverse("vendors:detail", args=[vendor.pk])
    # A vendor that does not exist at all is not a refusal.
    client.get(reverse("vendors:detail", args=[999999]))
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.DENIED).count() == 1


def test_access_review_shows_who_sees_what_and_idle_accounts(
    client, manager, staff, other_staff, vendor
):
    vendor.assigned_staff.add(other_staff)
    staff.last_login = timezone.now() - timedelta(days=120)
    staff.save()
    client.force_login(manager)
    page = client.get(reverse("audit:access_review"))
    html = page.content.decode()
    # The vendor's row names its owner and, under assigned staff, dave.
    row = re.search(rf'<tr><td><a href="{vendor.get_absolute_url()}">.*?</tr>', html, re.S)
    assert row, "the vendor has no row"
    name, owner, assigned = row.group(0).split("</td>")[:3]
    assert vendor.name in name and str(staff) in owner
    assert str(other_staff) in assigned and str(staff) not in assigned
    assert staff in page.context["idle"]
    assert manager not in page.context["idle"]
    response = client.post(reverse("audit:access_review"), {"notes": "四半期レビュー完了"})
    assert response.status_code == 302
    review = AccessReview.objects.get()
    assert review.reviewer == manager and review.idle_user_count >= 1
    assert LogEntry.objects.filter(object_repr__contains=str(manager)).exists()
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.ACCESS_REVIEW).exists()


def test_only_managers_record_access_reviews(client, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("audit:access_review"), {"notes": "x"}).status_code == 403


def test_retention_deletes_files_of_long_offboarded_vendors_only(media, staff, settings):
    settings.RETENTION_DAYS_AFTER_OFFBOARDING = 30
    old = Vendor.objects.create(
        name="旧委託先",
        owner=staff,
        status=Vendor.Status.OFFBOARDED,
        offboarded_at=timezone.now() - timedelta(days=31),
    )
    recent = Vendor.objects.create(
        name="最近の委託先",
        owner=staff,
        status=Vendor.Status.OFFBOARDED,
        offboarded_at=timezone.now() - timedelta(days=5),
    )
    stored = {}
    for v in (old, recent):
        name = default_storage.save(f"vendors/{v.pk}/x.pdf", ContentFile(b"%PDF-1.4 test"))
        stored[v] = StoredFile.objects.create(
            storage_name=name,
            original_name="認証書.pdf",
            content_type="application/pdf",
            size=13,
            sha256="ab" * 32,
        )
        Certification.objects.create(
            vendor=v, kind="pmark", valid_until=timezone.localdate(), evidence=stored[v]
        )
    assert [p.vendor for p in plans()] == [old]
    call_command("purge_offboarded", "--dry-run")
    assert default_storage.exists(stored[old].storage_name)  # the dry run deleted nothing
    assert purge_due() == 1
    assert not default_storage.exists(stored[old].storage_name)
    assert default_storage.exists(stored[recent].storage_name)
    stored[old].refresh_from_db()
    assert stored[old].deleted_at is not None and stored[old].original_name == "認証書.pdf"
    old.refresh_from_db()
    assert old.purged_at is not None
    entry = LogEntry.objects.filter(additional_data__retention_purge__isnull=False).get()
    assert entry.additional_data["retention_purge"][0]["name"] == "認証書.pdf"
    assert purge_due() == 0  # idempotent


def test_purged_file_is_no_longer_downloadable(media, client, staff):
    v = Vendor.objects.create(name="旧", owner=staff)
    stored = StoredFile.objects.create(
        storage_name="vendors/gone.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        deleted_at=timezone.now(),
    )
    cert = Certification.objects.create(
        vendor=v, kind="pmark", valid_until=timezone.localdate(), evidence=stored
    )
    client.force_login(staff)
    url = reverse("vendors:part_file", args=[v.pk, "certifications", cert.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("language", ["ja", "en"])
def test_error_pages_are_styled_and_translated(client, staff, language):
    client.cookies["django_language"] = language
    client.force_login(staff)
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert ("ページが見つかりません" if language == "ja" else "Page not found") in html
    assert "Traceback" not in html


def test_csrf_failure_page_is_friendly(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "form expired" in response.content.decode() or "フォーム" in response.content.decode()


def test_check_deploy_is_clean_in_production_mode():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch, not production.
    skip = ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="p" * 40 + "Q8v#kLm2$Zx9!rT4wYb7",
        ALLOWED_HOSTS="dd.example.co.jp",
        DJANGO_SETTINGS_MODULE="duediligence.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_security_headers_on_every_page(client, staff):
    client.force_login(staff)
    response = client.get(reverse("dashboard"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()  # no inline script anywhere


def test_every_audited_field_has_a_japanese_label():
    """The audit log shows field labels, so none may fall back to the code's name."""
    from auditlog.registry import auditlog
    from django.utils import translation

    untranslated = []
    with translation.override("ja"):
        for model in auditlog.get_models():
            for field in model._meta.concrete_fields + model._meta.many_to_many:
                if field.primary_key:
                    continue
                if str(field.verbose_name) == field.name.replace("_", " "):
                    untranslated.append(f"{model._meta.label}.{field.name}")
    assert untranslated == []
