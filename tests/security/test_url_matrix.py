"""Every URL of the app, for every role, against an explicit table of expected status
codes. A URL added without an entry here fails `test_every_url_has_an_entry`.

Roles: anonymous, procurement staff assigned to the vendor, procurement staff not
assigned, manager, admin. GET unless the entry says POST (POST-only views are also
checked to refuse GET with 405)."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments import services
from assessments.models import Finding
from questionnaires.checklists import install_default_checklist, new_draft_from
from reports.models import Report
from vendors.models import Certification, Contract, StoredFile, Vendor

ROLES = ("anon", "assigned", "other", "manager", "admin")
LOGIN = "login"  # 302 to the login page

# name: (kwargs builder, method, {role: status}); "all" sets every signed-in role.
R = lambda **codes: codes  # noqa: E731


def everyone(code, anon=LOGIN):
    return {"anon": anon, "assigned": code, "other": code, "manager": code, "admin": code}


def vendor_read():
    return {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 200, "admin": 200}


def vendor_write():
    return {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 403, "admin": 200}


def admin_only():
    return {"anon": LOGIN, "assigned": 403, "other": 403, "manager": 403, "admin": 200}


def managers_and_admins():
    return {"anon": LOGIN, "assigned": 403, "other": 403, "manager": 200, "admin": 200}


def post_only():
    return everyone(405, anon=405)


TABLE = {
    "dashboard": (lambda w: {}, everyone(200)),
    "healthz": (lambda w: {}, everyone(200, anon=200)),
    "login": (lambda w: {}, everyone(302, anon=200)),
    "logout": (lambda w: {}, post_only()),
    "password_change": (lambda w: {}, everyone(200)),
    "password_change_done": (lambda w: {}, everyone(200)),
    "set_language": (lambda w: {}, post_only()),
    "accounts:profile": (lambda w: {}, everyone(200)),
    "accounts:users": (lambda w: {}, admin_only()),
    "audit:changes": (lambda w: {}, managers_and_admins()),
    "audit:access": (lambda w: {}, managers_and_admins()),
    "audit:access_review": (lambda w: {}, managers_and_admins()),
    "accounts:otp_setup": (lambda w: {}, everyone(200)),
    "accounts:otp_verify": (lambda w: {}, everyone(302)),  # no device yet: to set-up
    "accounts:otp_disable": (lambda w: {}, post_only()),
    "vendors:index": (lambda w: {}, everyone(200)),
    "vendors:create": (
        lambda w: {},
        {"anon": LOGIN, "assigned": 200, "other": 200, "manager": 403, "admin": 200},
    ),
    "vendors:detail": (lambda w: {"pk": w["vendor"].pk}, vendor_read()),
    "vendors:edit": (lambda w: {"pk": w["vendor"].pk}, vendor_write()),
    "vendors:assign": (
        lambda w: {"pk": w["vendor"].pk},
        {"anon": LOGIN, "assigned": 403, "other": 404, "manager": 403, "admin": 200},
    ),
    "vendors:status": (lambda w: {"pk": w["vendor"].pk}, post_only()),
    "vendors:archive": (lambda w: {"pk": w["vendor"].pk}, post_only()),
    "vendors:delete": (
        lambda w: {"pk": w["vendor"].pk},
        {"anon": LOGIN, "assigned": 403, "other": 404, "manager": 403, "admin": 200},
    ),
    "vendors:certification_create": (lambda w: {"pk": w["vendor"].pk}, vendor_write()),
    "vendors:certification_edit": (
        lambda w: {"pk": w["vendor"].pk, "cid": w["cert"].pk},
        vendor_write(),
    ),
    "vendors:contract_create": (lambda w: {"pk": w["vendor"].pk}, vendor_write()),
    "vendors:contract_edit": (
        lambda w: {"pk": w["vendor"].pk, "cid": w["contract"].pk},
        vendor_write(),
    ),
    "vendors:part_delete": (
        lambda w: {"pk": w["vendor"].pk, "kind": "certifications", "cid": w["cert"].pk},
        post_only(),
    ),
    "vendors:part_file": (
        lambda w: {"pk": w["vendor"].pk, "kind": "certifications", "cid": w["cert"].pk},
        vendor_read(),
    ),
    "assessments:index": (lambda w: {}, everyone(200)),
    "assessments:start": (
        lambda w: {"vendor_pk": w["vendor"].pk},
        {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 403, "admin": 403},
    ),
    "assessments:detail": (lambda w: {"pk": w["assessment"].pk}, vendor_read()),
    "assessments:section": (
        lambda w: {"pk": w["assessment"].pk, "code": "CON"},
        vendor_read(),
    ),
    "assessments:answer": (
        lambda w: {"pk": w["assessment"].pk, "code": "CON-01"},
        post_only(),
    ),
    "assessments:evidence": (
        lambda w: {"pk": w["assessment"].pk, "code": "CON-01"},
        post_only(),
    ),
    "assessments:evidence_file": (
        lambda w: {"pk": w["assessment"].pk, "file_pk": w["evidence"].pk},
        vendor_read(),
    ),
    "assessments:action": (
        lambda w: {"pk": w["assessment"].pk, "name": "submit"},
        post_only(),
    ),
    "questionnaires:checklist": (lambda w: {}, admin_only()),
    "questionnaires:checklist_import": (lambda w: {}, admin_only()),
    "questionnaires:checklist_diff": (lambda w: {}, admin_only()),
    "questionnaires:version": (lambda w: {"pk": w["published"].pk}, admin_only()),
    "questionnaires:version_new_draft": (lambda w: {"pk": w["published"].pk}, post_only()),
    "questionnaires:version_publish": (lambda w: {"pk": w["draft"].pk}, admin_only()),
    "questionnaires:version_delete": (lambda w: {"pk": w["draft"].pk}, post_only()),
    "questionnaires:version_export": (lambda w: {"pk": w["published"].pk}, admin_only()),
    "questionnaires:section_edit": (lambda w: {"pk": w["draft_section"].pk}, admin_only()),
    "questionnaires:section_move": (lambda w: {"pk": w["draft_section"].pk}, post_only()),
    "questionnaires:item_add": (
        lambda w: {"section_pk": w["draft_section"].pk},
        admin_only(),
    ),
    "questionnaires:item_edit": (lambda w: {"pk": w["draft_item"].pk}, admin_only()),
    "questionnaires:item_delete": (lambda w: {"pk": w["draft_item"].pk}, post_only()),
    "questionnaires:item_move": (lambda w: {"pk": w["draft_item"].pk}, post_only()),
    "assessments:findings": (lambda w: {}, everyone(200)),
    "assessments:finding": (lambda w: {"pk": w["finding"].pk}, vendor_read()),
    "assessments:compare": (lambda w: {}, managers_and_admins()),
    "reports:index": (lambda w: {}, everyone(200)),
    "reports:request": (lambda w: {"assessment_pk": w["assessment"].pk}, post_only()),
    "reports:detail": (lambda w: {"pk": w["report"].pk}, vendor_read()),
    "reports:status": (lambda w: {"pk": w["report"].pk}, vendor_read()),
    "reports:download": (lambda w: {"pk": w["report"].pk}, vendor_read()),
    "reports:retry": (lambda w: {"pk": w["report"].pk}, post_only()),
    "notifications:index": (lambda w: {}, everyone(200)),
    "notifications:bell": (lambda w: {}, everyone(200)),
    # Someone else's notification is a 404, one's own goes to its object.
    "notifications:open": (
        lambda w: {"pk": w["notification"].pk},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 404, "admin": 404},
    ),
    "notifications:read": (lambda w: {}, post_only()),
    "notifications:preferences": (lambda w: {}, everyone(200)),
    "notifications:calendar": (lambda w: {}, everyone(200)),
    "notifications:calendar_new": (lambda w: {}, post_only()),
    "notifications:calendar_revoke": (lambda w: {}, post_only()),
    # The secret is the token: the same for everyone, signed in or not.
    "notifications:calendar_feed": (lambda w: {"token": w["feed_token"]}, everyone(200, anon=200)),
    "notifications:deliveries": (lambda w: {}, admin_only()),
    "notifications:resend": (lambda w: {"pk": w["delivery"].pk}, post_only()),
}

# POSTs of the POST-only views, with what each role gets (the body is enough to pass
# validation where it matters; refusals must come before any change).
POSTS = {
    "logout": ({}, everyone(302, anon=302)),
    "set_language": ({"language": "en", "next": "/"}, everyone(302, anon=302)),
    "accounts:otp_disable": ({}, everyone(302)),
    "vendors:status": (
        {"status": "under_review"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "vendors:archive": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "vendors:part_delete": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "assessments:answer": (
        {"value": "yes", "revision": "1"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 403},
    ),
    "assessments:evidence": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 403},
    ),
    "assessments:action": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 403},
    ),
    "questionnaires:version_new_draft": ({}, {**admin_only(), "admin": 302}),
    "questionnaires:version_delete": ({}, {**admin_only(), "admin": 302}),
    "questionnaires:section_move": ({"direction": "down"}, {**admin_only(), "admin": 302}),
    "questionnaires:item_delete": ({}, {**admin_only(), "admin": 302}),
    "questionnaires:item_move": ({"direction": "down"}, {**admin_only(), "admin": 302}),
    "reports:request": (
        {"language": "ja"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 302},
    ),
    "reports:retry": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 302},
    ),
    "notifications:read": ({}, everyone(302)),
    "notifications:calendar_new": ({}, everyone(302)),
    "notifications:calendar_revoke": ({}, everyone(302)),
    "notifications:resend": ({}, {**admin_only(), "admin": 302}),
}


def app_url_names():
    """Every named URL outside the Django admin site (checked separately below)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_an_entry():
    assert sorted(TABLE) == app_url_names()
    assert set(POSTS) <= set(TABLE)
    posts_only = {name for name, (_kwargs, codes) in TABLE.items() if codes == post_only()}
    assert posts_only == set(POSTS)


@pytest.fixture
def world(media, staff, other_staff, manager, admin_user):
    published = install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社マトリクス", owner=staff)
    Vendor.objects.create(name="デイブの委託先", owner=other_staff)
    stored = []
    for name in ("cert.pdf", "contract.pdf", "evidence.pdf"):
        from django.core.files.storage import default_storage

        path = default_storage.save(f"matrix/{name}", ContentFile(b"%PDF-1.4 matrix"))
        stored.append(
            StoredFile.objects.create(
                storage_name=path,
                original_name=name,
                content_type="application/pdf",
                size=15,
                sha256="0" * 64,
            )
        )
    cert = Certification.objects.create(
        vendor=vendor, kind="pmark", valid_until=timezone.localdate(), evidence=stored[0]
    )
    contract = Contract.objects.create(vendor=vendor, kind="nda", file=stored[1])
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    item = assessment.version.items.get(code="CON-01")
    answer = services.save_answer(assessment, item, value="no", user=staff)
    answer.evidence.add(stored[2])
    finding = Finding.objects.create(
        assessment=assessment, vendor=vendor, item=item, severity="critical", value=0
    )
    report = Report.objects.create(
        assessment=assessment,
        language="ja",
        requested_by=staff,
        status=Report.Status.FAILED,
        fingerprint="f" * 64,
        error="boom",
    )
    report.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    report.status = Report.Status.READY
    report.save()
    from notifications import calendar as feeds
    from notifications.models import Delivery, Notification

    delivery = Delivery.objects.create(
        kind="certificate_expiring",
        object_key=f"certification:{cert.pk}",
        recipient_key=f"user:{staff.pk}",
        step="7",
        user=staff,
        email=staff.email,
        language="ja",
        channel="immediate",
        status=Delivery.Status.FAILED,
        url=vendor.get_absolute_url(),
        error="SMTPDataError",
    )
    notification = Notification.objects.create(
        user=staff, delivery=delivery, kind=delivery.kind, url=delivery.url
    )
    feed_token = feeds.new_feed(staff)
    draft = new_draft_from(published, user=admin_user)
    draft_section = draft.sections.order_by("position").first()
    return {
        "vendor": vendor,
        "cert": cert,
        "contract": contract,
        "assessment": assessment,
        "evidence": stored[2],
        "finding": finding,
        "report": report,
        "delivery": delivery,
        "notification": notification,
        "feed_token": feed_token,
        "published": published,
        "draft": draft,
        "draft_section": draft_section,
        "draft_item": draft_section.items.order_by("position").first(),
        "users": {"assigned": staff, "other": other_staff, "manager": manager, "admin": admin_user},
    }


def _client(world, role):
    client = Client()
    if role != "anon":
        client.force_login(world["users"][role])
    return client


def _check(response, expected):
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(reverse("login"))
    return response.status_code == expected


def test_every_url_for_every_role_matches_the_table(world, monkeypatch):
    # Report requests would queue real tasks; the broker is not what this test is about.
    from reports import services as report_services

    monkeypatch.setattr(report_services, "enqueue", lambda report: True, raising=False)
    mismatches = []
    for name, (kwargs, codes) in TABLE.items():
        url = reverse(name, kwargs=kwargs(world))
        for role in ROLES:
            response = _client(world, role).get(url)
            if not _check(response, codes[role]):
                mismatches.append(f"GET {name} as {role}: {response.status_code} != {codes[role]}")
    for name, (data, codes) in POSTS.items():
        url = reverse(name, kwargs=TABLE[name][0](world))
        for role in ROLES:
            # Each POST on the same world: what one role deleted is back for the next.
            with transaction.atomic():
                response = _client(world, role).post(url, data)
                transaction.set_rollback(True)
            if not _check(response, codes[role]):
                mismatches.append(f"POST {name} as {role}: {response.status_code} != {codes[role]}")
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.parametrize(("role", "expected"), [("anon", 302), ("assigned", 302), ("admin", 200)])
def test_the_django_admin_is_for_admins_only(world, role, expected):
    assert _client(world, role).get("/admin/").status_code == expected
