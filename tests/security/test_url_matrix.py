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
    "password_reset": (lambda w: {}, everyone(200, anon=200)),
    "password_reset_done": (lambda w: {}, everyone(200, anon=200)),
    "password_reset_confirm": (
        lambda w: {"uidb64": "MQ", "token": "set-password"},
        everyone(200, anon=200),  # the "link cannot be used" page
    ),
    "password_reset_complete": (lambda w: {}, everyone(200, anon=200)),
    "accounts:profile": (lambda w: {}, everyone(200)),
    "accounts:users": (lambda w: {}, admin_only()),
    "accounts:user_create": (lambda w: {}, admin_only()),
    "accounts:user_edit": (lambda w: {"pk": w["users"]["manager"].pk}, admin_only()),
    "accounts:user_action": (
        lambda w: {"pk": w["users"]["manager"].pk, "name": "deactivate"},
        post_only(),
    ),
    "accounts:api_token_create": (lambda w: {}, post_only()),
    # Revoking asks on a page of its own first (GET); only the token's owner sees it.
    "accounts:api_token_revoke": (
        lambda w: {"pk": w["api_token"].pk},
        {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 404, "admin": 404},
    ),
    "api_schema": (lambda w: {}, everyone(200, anon=401)),
    "api_docs": (lambda w: {}, everyone(200)),
    # Single sign-on is not configured in these tests: its two URLs do not exist then.
    "oidc_authentication_init": (lambda w: {}, everyone(404, anon=404)),
    "oidc_authentication_callback": (lambda w: {}, everyone(404, anon=404)),
    "audit:changes": (lambda w: {}, managers_and_admins()),
    "audit:access": (lambda w: {}, managers_and_admins()),
    "audit:access_review": (lambda w: {}, managers_and_admins()),
    "audit:vendor_history": (lambda w: {"pk": w["vendor"].pk}, vendor_read()),
    "accounts:otp_setup": (lambda w: {}, everyone(200)),
    "accounts:otp_verify": (lambda w: {}, everyone(302)),  # no device yet: to set-up
    "accounts:otp_disable": (lambda w: {}, post_only()),
    "vendors:index": (lambda w: {}, everyone(200)),
    "vendors:create": (
        lambda w: {},
        {"anon": LOGIN, "assigned": 200, "other": 200, "manager": 403, "admin": 200},
    ),
    "vendors:import": (
        lambda w: {},
        {"anon": LOGIN, "assigned": 200, "other": 200, "manager": 403, "admin": 200},
    ),
    "vendors:import_confirm": (lambda w: {}, post_only()),
    "vendors:import_template": (
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
    # Deleting asks on a page of its own first (GET, or a POST without confirmed=1).
    "vendors:part_delete": (
        lambda w: {"pk": w["vendor"].pk, "kind": "certifications", "cid": w["cert"].pk},
        vendor_write(),
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
    "assessments:workbook": (lambda w: {"pk": w["assessment"].pk}, vendor_read()),
    "assessments:workbook_import": (
        lambda w: {"pk": w["assessment"].pk},
        {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 403, "admin": 403},
    ),
    "assessments:workbook_confirm": (lambda w: {"pk": w["assessment"].pk}, post_only()),
    "questionnaires:checklist": (lambda w: {}, admin_only()),
    "questionnaires:checklist_import": (lambda w: {}, admin_only()),
    "questionnaires:checklist_import_standard": (lambda w: {}, admin_only()),
    "questionnaires:checklist_make_default": (
        lambda w: {"pk": w["published"].checklist_id},
        post_only(),
    ),
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
    "invitations:create": (
        lambda w: {"pk": w["assessment"].pk},
        {"anon": LOGIN, "assigned": 200, "other": 404, "manager": 403, "admin": 403},
    ),
    "invitations:action": (lambda w: {"pk": w["invitation"].pk, "name": "extend"}, post_only()),
    "invitations:review": (lambda w: {"pk": w["assessment"].pk}, vendor_read()),
    "invitations:return": (lambda w: {"pk": w["assessment"].pk}, post_only()),
    "invitations:review_item": (
        lambda w: {"pk": w["assessment"].pk, "code": "CON-01"},
        post_only(),
    ),
    "invitations:file": (
        lambda w: {"pk": w["assessment"].pk, "file_pk": w["portal_file"].pk},
        vendor_read(),
    ),
    "invitations:decide": (lambda w: {"pk": w["proposal"].pk}, post_only()),
    "incidents:index": (lambda w: {}, everyone(200)),
    "incidents:policy": (lambda w: {}, admin_only()),
    "incidents:create": (lambda w: {"vendor_pk": w["vendor"].pk}, vendor_write()),
    "incidents:detail": (lambda w: {"pk": w["incident"].pk}, vendor_read()),
    "incidents:edit": (lambda w: {"pk": w["incident"].pk}, vendor_write()),
    "incidents:step": (lambda w: {"pk": w["incident"].pk}, post_only()),
    "incidents:close": (lambda w: {"pk": w["incident"].pk}, post_only()),
    "incidents:file": (
        lambda w: {"pk": w["incident"].pk, "file_pk": w["incident_file"].pk},
        vendor_read(),
    ),
    "reports:incident_request": (lambda w: {"incident_pk": w["incident"].pk}, post_only()),
    "reports:incident_status": (lambda w: {"pk": w["incident_report"].pk}, vendor_read()),
    "reports:incident_download": (lambda w: {"pk": w["incident_report"].pk}, vendor_read()),
    "reports:incident_retry": (lambda w: {"pk": w["incident_report"].pk}, post_only()),
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
    "accounts:api_token_create": ({"name": "matrix", "scope": "read"}, everyone(200)),
    "accounts:api_token_revoke": (
        {"confirmed": "1"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 404, "admin": 404},
    ),
    "accounts:user_action": ({}, {**admin_only(), "admin": 302}),
    "vendors:status": (
        {"status": "under_review"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "vendors:archive": (
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
    # A missing or forged plan goes back to the upload page with a message.
    "vendors:import_confirm": (
        {"plan": "forged"},
        {"anon": LOGIN, "assigned": 302, "other": 302, "manager": 403, "admin": 302},
    ),
    "assessments:workbook_confirm": (
        {"plan": "forged"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 403},
    ),
    "questionnaires:version_new_draft": ({}, {**admin_only(), "admin": 302}),
    "questionnaires:checklist_make_default": ({}, {**admin_only(), "admin": 302}),
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
    "invitations:action": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 403},
    ),
    "invitations:return": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 403},
    ),
    "invitations:review_item": (
        {"verdict": "accept"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 403},
    ),
    "invitations:decide": (
        {"verdict": "accept"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 403},
    ),
    "incidents:step": (
        {"kind": "note", "note": "matrix"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "incidents:close": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 403, "admin": 302},
    ),
    "reports:incident_request": (
        {"language": "ja"},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 302},
    ),
    "reports:incident_retry": (
        {},
        {"anon": LOGIN, "assigned": 302, "other": 404, "manager": 302, "admin": 302},
    ),
    "notifications:read": ({}, everyone(302)),
    "notifications:calendar_new": ({}, everyone(302)),
    "notifications:calendar_revoke": ({}, everyone(302)),
    "notifications:resend": ({}, {**admin_only(), "admin": 302}),
}

# The vendor portal, for the people who reach it: the invited contact (code entered), a
# colleague of the same vendor who was not invited (holding the forwarded link, without
# the code), the contact of another vendor (with a session of their own, scoped to the INC
# section of their own assessment), a session on an expired link, one on a revoked link,
# staff signed in, and anonymous. The session, not the URL, names the invitation, so
# another invitation's objects in a URL are 404.
PORTAL_ROLES = ("invited", "uninvited", "other_vendor", "expired", "revoked", "staff", "anon")
CODE = "code"  # 302 to the code page


def portal(invited, *, uninvited=CODE, other_vendor=404, closed=410, outsider=403):
    return {
        "invited": invited,
        "uninvited": uninvited,
        "other_vendor": other_vendor,
        "expired": closed,
        "revoked": closed,
        "staff": outsider,
        "anon": outsider,
    }


def portal_post_only():
    return dict.fromkeys(PORTAL_ROLES, 405)


PORTAL_TABLE = {
    "portal:home": (lambda w: {}, portal(200, other_vendor=200)),
    # A valid link trades for a (new, unconfirmed) session whoever opens it.
    "portal:landing": (lambda w: {"token": w["token"]}, dict.fromkeys(PORTAL_ROLES, 302)),
    "portal:code": (lambda w: {}, portal(302, uninvited=200, other_vendor=302)),
    "portal:code_resend": (lambda w: {}, portal_post_only()),
    "portal:language": (lambda w: {}, portal_post_only()),
    "portal:logout": (lambda w: {}, portal_post_only()),
    "portal:section": (lambda w: {"code": "CON"}, portal(200)),
    "portal:answer": (lambda w: {"code": "CON-01"}, portal_post_only()),
    "portal:evidence": (lambda w: {"code": "CON-01"}, portal_post_only()),
    "portal:file": (lambda w: {"pk": w["portal_file"].pk}, portal(200)),
    "portal:submit": (lambda w: {}, portal_post_only()),
    "portal:delegate": (lambda w: {}, portal(200, other_vendor=200)),
    "portal:delegation_revoke": (lambda w: {"pk": w["delegation"].pk}, portal_post_only()),
    "portal:reply": (lambda w: {"pk": w["thread"].pk}, portal_post_only()),
    # The findings open to remediation invitations only (tests/portal/test_rounds.py).
    "portal:finding": (lambda w: {"pk": w["finding"].pk}, portal(404)),
    # A contact sees only the incidents it reported; another vendor's contact gets a 404.
    "portal:incidents": (lambda w: {}, portal(200, other_vendor=200)),
    "portal:incident_new": (lambda w: {}, portal(200, other_vendor=200)),
    "portal:incident": (lambda w: {"pk": w["portal_incident"].pk}, portal(200)),
    # The workbook of the session's own invitation (no object in the URL).
    "portal:workbook": (lambda w: {}, portal(200, other_vendor=200)),
    "portal:workbook_import": (lambda w: {}, portal(200, other_vendor=200)),
    "portal:workbook_confirm": (lambda w: {}, portal_post_only()),
}
PORTAL_POSTS = {
    "portal:code_resend": ({}, portal(302, uninvited=302, other_vendor=302)),
    "portal:language": ({"language": "en"}, dict.fromkeys(PORTAL_ROLES, 302)),
    "portal:logout": ({}, portal(200, uninvited=200, other_vendor=200)),
    "portal:answer": ({"value": "yes", "revision": "1"}, portal(302)),
    "portal:evidence": ({}, portal(302)),
    "portal:submit": ({}, portal(302, other_vendor=302)),
    "portal:delegation_revoke": ({}, portal(302)),
    "portal:reply": ({"text": "回答します"}, portal(302)),
    # No valid preview: back to the upload page with the reason, nothing written.
    "portal:workbook_confirm": ({"plan": "forged"}, portal(302, other_vendor=302)),
}


def app_url_names():
    """Every named URL outside the Django admin site (checked separately below)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                # The Django admin is checked below, the REST API by tests/api.
                if pattern.namespace in ("admin", "api"):
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_has_an_entry():
    assert sorted([*TABLE, *PORTAL_TABLE]) == app_url_names()
    assert set(POSTS) <= set(TABLE)
    posts_only = {name for name, (_kwargs, codes) in TABLE.items() if codes == post_only()}
    assert posts_only == set(POSTS)
    portal_posts = {n for n, (_k, codes) in PORTAL_TABLE.items() if codes == portal_post_only()}
    assert portal_posts == set(PORTAL_POSTS)


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
    portal_world = _portal_world(vendor, assessment, staff, manager, stored[2])
    incident_world = _incident_world(vendor, staff, portal_world["invitation"])
    from accounts.tokens import issue_token

    token, _raw = issue_token(staff, name="matrix", scope="read")
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
        "api_token": token,
        "draft": draft,
        "draft_section": draft_section,
        "draft_item": draft_section.items.order_by("position").first(),
        "users": {"assigned": staff, "other": other_staff, "manager": manager, "admin": admin_user},
        **portal_world,
        **incident_world,
    }


def _incident_world(vendor, staff, invitation):
    """An incident recorded by staff with a file on its timeline and a failed PDF, and
    one the invited contact reported through the portal."""
    from incidents import services as incidents
    from reports.models import IncidentReport
    from tests.factories import make_incident, pdf_upload

    incident = make_incident(vendor, staff, people_affected=1_001)
    step = incidents.add_step(incident, kind="note", user=staff, files=[pdf_upload()])
    portal_incident = make_incident(vendor, contact=invitation.contact, people_affected=5)
    incident_report = IncidentReport.objects.create(
        incident=incident,
        language="ja",
        requested_by=staff,
        status=IncidentReport.Status.FAILED,
        fingerprint="e" * 64,
        error="boom",
    )
    incident_report.file.save("incident.pdf", ContentFile(b"%PDF-1.4 incident"), save=False)
    incident_report.status = IncidentReport.Status.READY
    incident_report.save()
    return {
        "incident": incident,
        "incident_file": step.files.get(),
        "portal_incident": portal_incident,
        "incident_report": incident_report,
    }


def _portal_world(vendor, assessment, staff, manager, staff_evidence):
    """Invitations, their sessions (as cookies) and the objects portal URLs name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal import services as portal
    from portal.models import Invitation
    from tests.portal.conftest import open_portal
    from vendors.models import Contact

    invited = Contact.objects.create(vendor=vendor, name="招待 太郎", email="in@matrix.example")
    invitation, token = portal.invite(assessment, user=staff, contact=invited, sections=["CON"])
    sessions = {"invited": open_portal(token, email=invited.email)}
    forwarded = Client()  # the same vendor's colleague with the forwarded link, not the code
    forwarded.get(f"/portal/i/{token}/")
    sessions["uninvited"] = forwarded
    stranger_vendor = Vendor.objects.create(name="他社", owner=staff)
    stranger_assessment = services.start_assessment(stranger_vendor, user=staff, reviewer=manager)
    stranger = Contact.objects.create(
        vendor=stranger_vendor, name="他社 花子", email="x@other.example"
    )
    _inv, stranger_token = portal.invite(
        stranger_assessment, user=staff, contact=stranger, sections=["INC"]
    )
    sessions["other_vendor"] = open_portal(stranger_token, email=stranger.email)
    for role in ("expired", "revoked"):
        person = Contact.objects.create(vendor=vendor, name=role, email=f"{role}@matrix.example")
        closed, closed_token = portal.invite(assessment, user=staff, contact=person)
        sessions[role] = open_portal(closed_token, email=person.email)
        if role == "expired":
            Invitation.objects.filter(pk=closed.pk).update(
                created_at=timezone.now() - timezone.timedelta(days=30),
                expires_at=timezone.now() - timezone.timedelta(days=1),
            )
        else:
            portal.revoke(closed)
    upload = portal.add_evidence(
        invitation,
        assessment.version.items.get(code="CON-01"),
        SimpleUploadedFile("vendor.pdf", b"%PDF-1.4 vendor", "application/pdf"),
    )
    delegation = portal.delegate(
        invitation, section_code="CON", name="同僚", email="colleague@matrix.example"
    )
    item = assessment.version.items.get(code="CON-01")
    thread = portal.ask_question(assessment, item, user=staff, text="確認です")
    portal.return_to_vendor(assessment, user=staff)
    from assessments.models import Finding as FindingModel

    finding = FindingModel.objects.get(assessment=assessment, item=item)
    from portal.models import RemediationProposal

    proposal = RemediationProposal.objects.create(
        finding=finding,
        invitation=invitation,
        contact=invited,
        plan="計画",
        target_date=timezone.localdate(),
    )
    return {
        "invitation": invitation,
        "token": token,
        "portal_file": upload,
        "delegation": delegation,
        "thread": thread,
        "proposal": proposal,
        "portal_cookies": {
            role: client.cookies.get("dd_portal").value for role, client in sessions.items()
        },
    }


def _portal_client(world, role):
    client = Client()
    if role == "staff":
        client.force_login(world["users"]["assigned"])
    elif role != "anon":
        client.cookies["dd_portal"] = world["portal_cookies"][role]
    return client


def _portal_check(response, expected):
    if expected == CODE:
        return response.status_code == 302 and response.url == reverse("portal:code")
    return response.status_code == expected


@pytest.mark.parametrize("role", PORTAL_ROLES)
def test_every_portal_url_for_each_portal_role_matches_the_table(world, role):
    mismatches = []
    for name, (kwargs, codes) in PORTAL_TABLE.items():
        response = _portal_client(world, role).get(reverse(name, kwargs=kwargs(world)))
        if not _portal_check(response, codes[role]):
            mismatches.append(f"GET {name} as {role}: {response.status_code} != {codes[role]}")
    for name, (data, codes) in PORTAL_POSTS.items():
        url = reverse(name, kwargs=PORTAL_TABLE[name][0](world))
        with transaction.atomic():
            response = _portal_client(world, role).post(url, data)
            transaction.set_rollback(True)
        if not _portal_check(response, codes[role]):
            mismatches.append(f"POST {name} as {role}: {response.status_code} != {codes[role]}")
    assert mismatches == [], "\n".join(mismatches)


def test_a_portal_session_opens_no_staff_url(world):
    """Every staff URL, with only a confirmed portal session, answers as it does to an
    anonymous visitor: the login page, or the few public pages."""
    mismatches = []
    for name, (kwargs, codes) in TABLE.items():
        url = reverse(name, kwargs=kwargs(world))
        response = _portal_client(world, "invited").get(url)
        if not _check(response, codes["anon"]):
            mismatches.append(f"{name}: {response.status_code} != {codes['anon']}")
    assert mismatches == [], "\n".join(mismatches)


def _client(world, role):
    client = Client()
    if role != "anon":
        client.force_login(world["users"][role])
    return client


def _check(response, expected):
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(reverse("login"))
    return response.status_code == expected


# One test per role, method and half of the table, so that each stays short and xdist
# spreads them.
@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role_matches_the_table(world, monkeypatch, role, method, half):
    # Report requests would queue real tasks; the broker is not what this test is about.
    from reports import services as report_services

    monkeypatch.setattr(report_services, "enqueue", lambda report: True, raising=False)
    mismatches = []
    if method == "GET":
        for name, (kwargs, codes) in sorted(TABLE.items())[half::2]:
            response = _client(world, role).get(reverse(name, kwargs=kwargs(world)))
            if not _check(response, codes[role]):
                mismatches.append(f"GET {name} as {role}: {response.status_code} != {codes[role]}")
    for name, (data, codes) in sorted(POSTS.items())[half::2] if method == "POST" else ():
        url = reverse(name, kwargs=TABLE[name][0](world))
        # Each POST on the same world: what one request deleted is back for the next.
        with transaction.atomic():
            response = _client(world, role).post(url, data)
            transaction.set_rollback(True)
        if not _check(response, codes[role]):
            mismatches.append(f"POST {name} as {role}: {response.status_code} != {codes[role]}")
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.parametrize(("role", "expected"), [("anon", 302), ("assigned", 302), ("admin", 200)])
def test_the_django_admin_is_for_admins_only(world, role, expected):
    assert _client(world, role).get("/admin/").status_code == expected
