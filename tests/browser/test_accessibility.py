"""Accessibility: axe-core (the npm package pinned in tests/axe, installed by
scripts/install-system-deps.sh --test) runs in real Chromium on every main page, staff's
and the vendor portal's, and the test fails on any serious or critical violation (colour
contrast, duplicated landmarks, ARIA roles an element may not have, empty table headers,
...) and on any console error. The script is evaluated through the DevTools protocol, so
the pages keep their Content Security Policy exactly as a user's browser gets it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from portal import services as portal_services
from questionnaires import checklists
from questionnaires.checklists import install_default_checklist
from tests.factories import (
    CertificationFactory,
    ContactFactory,
    answer_everything,
    approved_assessment,
    make_vendor,
)
from vendors.models import Certification

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Minor in axe's scale, but a table column a screen reader cannot name is a fault here.
ALSO_BLOCKING = ("empty-table-header",)


@pytest.fixture(scope="module")
def axe_source():
    from tests.conftest import need

    if not AXE.exists():
        need("axe-core in tests/axe/node_modules (scripts/install-system-deps.sh --test)")
    return AXE.read_text()


def violations(page, axe_source):
    """Serious and critical violations (and empty table headers) on the page as it is
    now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']} ({v['help']}): "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING
    ]


def scan(page, axe_source, paths):
    """Visit each path, run axe; return {path: [violations]} for the pages with any,
    console errors included (a page that logs one is broken too)."""
    problems = {}
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in paths:
        errors.clear()
        response = page.goto(path)
        assert response.status < 400, (path, response.status)
        page.wait_for_load_state("networkidle")
        found = violations(page, axe_source) + [f"console: {e}" for e in errors]
        if found:
            problems[path] = found
    return problems


@pytest.fixture
def world(staff, manager, admin_user, settings):
    """Something on every page: a vendor with certificates in each state, an approved
    assessment with findings, one being answered, a draft checklist."""
    settings.SITE_URL = "http://testserver"
    version = install_default_checklist()
    vendor = make_vendor(staff, "株式会社アクセシブル", tier=1, name_en="Accessible K.K.")
    today = timezone.localdate()
    CertificationFactory(vendor=vendor, kind=Certification.Kind.PMARK)
    CertificationFactory(
        vendor=vendor, kind=Certification.Kind.ISO27001, valid_until=today + timedelta(days=20)
    )
    CertificationFactory(
        vendor=vendor, kind=Certification.Kind.ISMAP, valid_until=today - timedelta(days=5)
    )
    approved = approved_assessment(
        vendor, staff, manager, {"CON-01": "no", "POL-01": "partial", "PHY-05": "no"}
    )
    other = make_vendor(staff, "株式会社ひかく", tier=2)
    compared = approved_assessment(other, staff, manager, {"INC-01": 48})
    third = make_vendor(staff, "株式会社かいとう", tier=3)
    answering = assessment_services.start_assessment(third, user=staff, reviewer=manager)
    answer_everything(answering, staff, skip=("POL-02", "POL-03"))
    draft = checklists.new_draft_from(version, user=admin_user)
    return {
        "vendor": vendor,
        "approved": approved,
        "compared": compared,
        "answering": answering,
        "draft": draft,
        "finding": approved.findings.order_by("severity_rank").first(),
    }


def test_staff_pages_have_no_serious_or_critical_violation(page, axe_source, world, manager, staff):
    vendor, approved = world["vendor"], world["approved"]
    log_in(page, "bob")
    page.wait_for_url(lambda url: "/login" not in url)
    paths = [
        reverse("dashboard"),
        reverse("vendors:index"),
        reverse("vendors:index") + "?cert=expired",
        vendor.get_absolute_url(),
        reverse("assessments:index"),
        reverse("assessments:detail", args=[approved.pk]),
        reverse("assessments:findings"),
        reverse("assessments:findings") + "?overdue=on&due_before=2099/01/01",
        world["finding"].get_absolute_url(),
        reverse("assessments:compare") + f"?a={approved.pk}&a={world['compared'].pk}",
        reverse("reports:index"),
        reverse("notifications:index"),
    ]
    problems = scan(page, axe_source, paths)
    # The vendor form and the answering page, as the vendor's owner sees them.
    page.context.clear_cookies()
    log_in(page, "charlie")
    page.wait_for_url(lambda url: "/login" not in url)
    problems |= scan(
        page,
        axe_source,
        [
            reverse("vendors:edit", args=[vendor.pk]),
            reverse("assessments:section", args=[world["answering"].pk, "POL"]),
        ],
    )
    assert problems == {}


def test_admin_pages_have_no_serious_or_critical_violation(page, axe_source, world, admin_user):
    draft = world["draft"]
    log_in(page, "alice")
    page.wait_for_url(lambda url: "/login" not in url)
    item = draft.items.order_by("section__position", "position").first()
    paths = [
        reverse("vendors:create"),
        reverse("questionnaires:checklist"),
        reverse("questionnaires:version", args=[draft.pk]),  # the editor, move buttons and all
        reverse("questionnaires:item_edit", args=[item.pk]),
        reverse("audit:changes"),
        reverse("audit:access"),
    ]
    assert scan(page, axe_source, paths) == {}


def test_login_and_portal_pages_have_no_serious_or_critical_violation(
    page, axe_source, world, staff
):
    assert scan(page, axe_source, [reverse("login")]) == {}

    assessment = world["answering"]
    contact = ContactFactory(vendor=assessment.vendor, email="axe@vendor.example")
    _invitation, token = portal_services.invite(
        assessment, user=staff, contact=contact, sections=["POL", "CON"]
    )
    page.goto(f"/portal/i/{token}/")
    page.wait_for_url("**/portal/code/")
    problems = scan(page, axe_source, ["/portal/code/"])
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    problems |= scan(page, axe_source, ["/portal/", "/portal/sections/POL/"])
    assert problems == {}


def test_a_page_with_a_violation_fails_the_check(page, axe_source, world, manager):
    """The check itself: the same page with the old, too-light link colour is caught."""
    log_in(page, "bob")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(world["vendor"].get_absolute_url())
    assert violations(page, axe_source) == []
    page.evaluate(
        "document.documentElement.style.setProperty('--bs-link-color-rgb', '13, 110, 253')"
    )
    found = violations(page, axe_source)
    assert any(v.startswith("serious color-contrast") for v in found), found
