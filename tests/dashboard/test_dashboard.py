"""The dashboard: every figure counts only what the user may see, links to the list
it counts (and that list shows exactly that many rows), in a fixed number of queries."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.findings import update_finding
from assessments.models import Assessment, Finding
from questionnaires.checklists import install_default_checklist
from tests.factories import answer_everything, approved_assessment, make_vendor, submit
from vendors.models import Certification, Vendor

FIGURE = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-figure="([^"]+)" data-count="(\d+)"')


def today():
    return timezone.localdate()


def certify(vendor, kind, days):
    Certification.objects.create(
        vendor=vendor, kind=kind, valid_until=today() + timedelta(days=days)
    )


@pytest.fixture
def version(db):
    return install_default_checklist()


@pytest.fixture
def registry(staff, manager, admin_user, version):
    """charlie's four vendors, and one of alice's that charlie may not see."""
    critical = make_vendor(staff, "株式会社クリティカル", tier=1)
    approved_assessment(critical, staff, manager, {"CON-01": "no"})  # D, critical risk
    certify(critical, Certification.Kind.ISO27001, 30)

    good = make_vendor(staff, "株式会社グッド", tier=2)
    approved_assessment(good, staff, manager, {"PHY-05": "no"})  # A, low risk
    certify(good, Certification.Kind.PMARK, -10)
    certify(good, Certification.Kind.ISO27001, 400)

    late = make_vendor(staff, "株式会社レイト")
    services.start_assessment(late, user=staff, due_date=today() - timedelta(days=1))
    Vendor.objects.filter(pk=late.pk).update(next_reassessment_on=today() - timedelta(days=1))
    certify(late, Certification.Kind.PMARK, 89)
    certify(late, Certification.Kind.ISO27001, -1)

    waiting = make_vendor(staff, "株式会社ウェイティング", tier=1)
    assessment = services.start_assessment(
        waiting, user=staff, reviewer=manager, due_date=today() + timedelta(days=10)
    )
    answer_everything(assessment, staff, {"INC-01": 96, "AST-02": "no", "AST-05": "not_logged"})
    submit(assessment, staff)
    update_finding(
        assessment.findings.get(item__code="AST-05"),
        status=Finding.Status.RESOLVED,
        owner=staff,
        due_date=None,
        remediation_plan="",
        closing_note="ログ保存を開始した。",
    )

    hidden = make_vendor(admin_user, "株式会社ヒドゥン", tier=1)
    approved_assessment(hidden, staff, manager, {"CON-01": "no", "CON-02": "no"})
    certify(hidden, Certification.Kind.ISO27001, -100)
    return {"critical": critical, "good": good, "late": late, "waiting": waiting}


def figures(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    found = {
        name: (html.unescape(href), int(count))
        for href, name, count in FIGURE.findall(response.content.decode())
    }
    assert len(found) == 9 + 5 + 3 * 6  # cards, risk levels, heat-map cells
    return found


def listed(client, href):
    response = client.get(href)
    assert response.status_code == 200
    return response.context["page"].paginator.count


STAFF_FIGURES = {
    "critical-findings": 2,  # CON-01, INC-01
    "high-findings": 1,  # AST-02 (AST-05 is resolved)
    "overdue": 1,
    "due-soon": 1,
    "waiting-review": 1,
    "reassessment-overdue": 1,
    "certs-expiring": 2,
    "certs-expired": 2,
    "risk-critical": 1,
    "risk-low": 1,
    "risk-high": 0,
    "risk-none": 2,
    "heat-1-D": 1,
    "heat-1-none": 1,
    "heat-2-A": 1,
    "heat-3-none": 1,
    "heat-1-A": 0,
    "meti-below-required": 4,  # none of the four declares a level
}
# What alice's vendor adds for those who see every vendor.
HIDDEN_ADDS = {
    "critical-findings": 2,
    "certs-expired": 1,
    "risk-critical": 1,
    "heat-1-D": 1,
    "meti-below-required": 1,
}


@pytest.mark.parametrize("who", ["staff", "manager", "admin_user", "other_staff"])
def test_each_figure_counts_only_what_the_user_may_see(client, request, registry, who):
    found = figures(client, request.getfixturevalue(who))
    if who == "other_staff":
        assert {count for _, count in found.values()} == {0}
        return
    expected = dict(STAFF_FIGURES)
    if who != "staff":
        expected = {k: v + HIDDEN_ADDS.get(k, 0) for k, v in expected.items()}
    assert {name: found[name][1] for name in expected} == expected


@pytest.mark.parametrize("who", ["staff", "manager", "other_staff"])
def test_every_figure_links_to_the_list_it_counts(client, request, registry, who):
    user = request.getfixturevalue(who)
    found = figures(client, user)
    for name, (href, count) in found.items():
        assert listed(client, href) == count, f"{name}: {href}"


@pytest.mark.parametrize(
    ("name", "href"),
    [
        ("risk-critical", "/vendors/?risk=critical"),
        ("critical-findings", "/findings/?severity=critical&status=unresolved"),
        ("overdue", "/assessments/?due=overdue"),
        ("certs-expiring", "/vendors/?cert=expiring"),
        ("heat-1-D", "/vendors/?tier=1&rating=D"),
    ],
)
def test_figures_link_to_the_filters_users_know(client, registry, manager, name, href):
    found = figures(client, manager)
    assert found[name][0] == href
    assert listed(client, href) == found[name][1] > 0


def test_a_finding_leaves_the_figure_once_resolved(client, registry, staff):
    before = figures(client, staff)["critical-findings"][1]
    f = Finding.objects.get(vendor=registry["critical"], item__code="CON-01")
    update_finding(
        f,
        status=Finding.Status.RESOLVED,
        owner=staff,
        due_date=None,
        remediation_plan="",
        closing_note="NDA を締結した。",
    )
    assert figures(client, staff)["critical-findings"][1] == before - 1


def test_archived_vendors_leave_the_vendor_figures(client, registry, staff):
    Vendor.objects.filter(pk=registry["critical"].pk).update(archived_at=timezone.now())
    found = figures(client, staff)
    assert found["risk-critical"][1] == 0
    assert found["certs-expiring"][1] == 1
    assert listed(client, found["risk-critical"][0]) == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_goes_to_their_profile(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


# Query count ---------------------------------------------------------------------------


def grow_registry(owner, reviewer, version, count):
    """Vendors in every state, written directly: approved ratings, open and overdue
    assessments, findings of each severity, expiring and expired certifications."""
    items = list(version.items.filter(answer_type="yes_no")[:4])
    start = Vendor.objects.count()
    for n in range(start, start + count):
        vendor = make_vendor(owner, f"株式会社{n:03d}", tier=n % 3 + 1)
        Vendor.objects.filter(pk=vendor.pk).update(
            current_rating="ABCDE"[n % 5],
            current_residual_risk=("low", "medium", "high", "critical")[n % 4],
            next_reassessment_on=today() + timedelta(days=n % 7 - 3),
        )
        status = list(Assessment.Status.values)[n % 5]
        assessment = Assessment.objects.create(
            vendor=vendor,
            version=version,
            status=status,
            reviewer=reviewer,
            due_date=today() + timedelta(days=n % 40 - 10),
        )
        Finding.objects.bulk_create(
            Finding(
                assessment=assessment,
                vendor=vendor,
                item=item,
                severity=("critical", "high", "medium", "low")[(n + i) % 4],
                value=0,
                status=list(Finding.Status.values)[(n + i) % 4],
            )
            for i, item in enumerate(items)
        )
        certify(vendor, Certification.Kind.PMARK, n % 200 - 50)


# session, user, OTP device, groups, 2 x permissions; vendors by risk and tier x rating,
# assessments (one aggregate), reassessment overdue, certifications (one aggregate), findings,
# open incidents (one aggregate; their countdowns only when there are some); the session save
# (savepoint, update, release).
DASHBOARD_QUERIES = 16


def test_dashboard_query_count_is_the_same_for_5_and_50_vendors(
    client, staff, manager, version, django_assert_num_queries
):
    client.force_login(staff)
    grow_registry(staff, manager, version, 5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = client.get(reverse("dashboard"))
    grow_registry(staff, manager, version, 45)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        large = client.get(reverse("dashboard"))
    small_total = sum(n for _, n in small.context["figures"]["by_risk"])
    large_total = sum(n for _, n in large.context["figures"]["by_risk"])
    assert (small_total, large_total) == (5, 50)
    assert large.context["figures"]["findings"]["critical"] > 0
