"""Vendor portal benchmarks (issue 14): a portal section page with 10,000 vendors in
the database against 100 (target at most 1.3), and the median autosave of one answer."""

import statistics
import time


def portal(users) -> None:
    from auditlog.context import disable_auditlog
    from django.core import mail
    from django.test import Client
    from django.test.utils import override_settings

    from assessments import services as assessment_services
    from benchmarks.__main__ import add_vendors, p50_ms
    from portal import services
    from questionnaires.checklists import current_version, install_default_checklist
    from vendors.models import Contact, Vendor

    if current_version() is None:
        install_default_checklist()
    staff = users["staff1"]
    vendor = Vendor.objects.create(name="ポータル計測", owner=staff)
    contact = Contact.objects.create(vendor=vendor, name="計測 太郎", email="bench@vendor.example")
    assessment = assessment_services.start_assessment(vendor, user=staff)
    client = Client()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        invitation, token = services.invite(assessment, user=staff, contact=contact)
        client.get(f"/portal/i/{token}/")
        code = next(w for w in mail.outbox[-1].body.split() if w.isdigit() and len(w) == 6)
        assert client.post("/portal/code/", {"code": code}).status_code == 302
    url = "/portal/sections/CON/"
    results = {}
    for size in (100, 10_000):
        add_vendors(users, size)
        results[size] = p50_ms(client, url)
    for size, (wall, _cpu) in results.items():
        print(f"portal_section_p50_ms_{size}: {wall:.2f}")
    print(f"portal_section_p50_ratio_10000_vs_100: {results[10_000][0] / results[100][0]:.2f}")
    print(f"portal_section_cpu_p50_ratio_10000_vs_100: {results[10_000][1] / results[100][1]:.2f}")

    # Autosave as htmx sends it: one answer, alternating values, the section back.
    timings = []
    for n in range(60):
        start = time.perf_counter()
        response = client.post(
            "/portal/items/CON-01/answer/",
            {"value": ("yes", "no")[n % 2]},
            HTTP_HX_REQUEST="true",
        )
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    print(f"portal_answer_save_p50_ms: {statistics.median(timings[10:]):.2f}")

    with disable_auditlog():
        invitation.delete()
        assessment.delete()
        Vendor.objects.all().delete()
