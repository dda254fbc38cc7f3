"""Findings: recorded on submission, kept or dropped on resubmission, worked on through
their page (with the access matrix), listed with filters, and audited."""

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import scoring, services
from assessments.evaluation import item_spec
from assessments.findings import update_finding
from assessments.models import Finding
from tests.factories import answer_everything, approve, make_vendor, submit

S = Finding.Status

# Answers below full marks, and the severity the table in scoring.severity gives them.
WEAK_ANSWERS = {
    "CON-01": "no",  # critical, failed
    "INC-01": 48,  # critical number, between the full and partial thresholds
    "POL-01": "partial",  # weight 3, partly met
    "AST-02": "no",  # weight 3, failed
    "POL-02": "no",  # weight 2, failed
    "OPE-04": "controlled_forms",  # weight 3 choice worth 0.6
    "PHY-05": "no",  # weight 1, failed
    "OPE-01": "na",  # allowed N/A: no finding
    "SUB-01": "no",  # hides SUB-02..06, whose stored answers then do not count
    "SUB-02": "no",
    "SUB-03": "no",
}
EXPECTED_SEVERITY = {
    "CON-01": "critical",
    "INC-01": "high",
    "POL-01": "medium",
    "AST-02": "high",
    "POL-02": "medium",
    "OPE-04": "medium",
    "PHY-05": "low",
}


@pytest.fixture
def submitted(assessment, staff):
    answer_everything(assessment, staff, WEAK_ANSWERS)
    return submit(assessment, staff)


def finding(assessment, code):
    return assessment.findings.get(item__code=code)


def test_no_finding_exists_before_submission(assessment, staff):
    answer_everything(assessment, staff, WEAK_ANSWERS)
    assert not Finding.objects.exists()


def test_submission_records_a_finding_per_visible_item_below_full_marks(submitted, vendor):
    findings = {f.item.code: f for f in submitted.findings.select_related("item")}
    assert {code: f.severity for code, f in findings.items()} == EXPECTED_SEVERITY
    for f in findings.values():
        assert f.vendor == vendor
        assert f.status == S.OPEN
        assert not f.unanswered
    assert findings["INC-01"].value == 0.5
    assert findings["OPE-04"].value == pytest.approx(0.6)
    assert findings["CON-01"].item.recommendation


def test_severity_comes_from_the_scoring_table(submitted):
    for f in submitted.findings.select_related("item__section"):
        assert f.severity == scoring.severity(item_spec(f.item), f.value, f.unanswered)
        assert f.severity_rank == Finding.SEVERITY_ORDER[f.severity]


def test_a_finding_is_due_when_the_assessment_is(vendor, staff, manager, version):
    assessment = services.start_assessment(
        vendor, user=staff, reviewer=manager, due_date="2031-01-31"
    )
    answer_everything(assessment, staff, {"PHY-05": "no"})
    submit(assessment, staff)
    assert str(finding(assessment, "PHY-05").due_date) == "2031-01-31"


def test_full_marks_give_no_finding(assessment, staff):
    answer_everything(assessment, staff)
    submit(assessment, staff)
    assert not assessment.findings.exists()


def return_to_staff(assessment, manager):
    services.apply_action(assessment, "return", user=manager, comment="POL を直してください。")


def test_resubmission_drops_untouched_findings_of_items_now_at_full_marks(
    submitted, staff, manager
):
    kept = finding(submitted, "PHY-05")
    return_to_staff(submitted, manager)
    for code in ("POL-01", "POL-02"):
        item = submitted.version.items.get(code=code)
        services.save_answer(submitted, item, value="yes", user=staff)
    services.save_answer(
        submitted, submitted.version.items.get(code="CUS-01"), value="no", user=staff
    )
    submit(submitted, staff)

    codes = set(submitted.findings.values_list("item__code", flat=True))
    assert codes == (set(EXPECTED_SEVERITY) - {"POL-01", "POL-02"}) | {"CUS-01"}
    # A finding that is still valid is the same row, not a new one.
    assert finding(submitted, "PHY-05").pk == kept.pk


@pytest.mark.parametrize(
    "work",
    [
        {"status": S.PLANNED},
        {"status": S.RESOLVED, "closing_note": "規程を改訂済み。"},
        {"status": S.OPEN, "remediation_plan": "来月までに規程を改訂する。"},
        {"status": S.OPEN, "owner": "staff"},
    ],
    ids=["planned", "resolved", "open-with-a-plan", "open-with-an-owner"],
)
def test_resubmission_keeps_findings_someone_worked_on(submitted, staff, manager, work):
    worked = finding(submitted, "POL-01")
    fields = {"owner": None, "due_date": None, "remediation_plan": "", "closing_note": ""}
    work = {**work, "owner": staff} if "owner" in work else work
    update_finding(worked, **{**fields, **work})
    return_to_staff(submitted, manager)
    item = submitted.version.items.get(code="POL-01")
    services.save_answer(submitted, item, value="yes", user=staff)
    submit(submitted, staff)

    kept = finding(submitted, "POL-01")
    assert kept.pk == worked.pk
    assert kept.status == work["status"]


@pytest.mark.parametrize("status", [S.RESOLVED, S.ACCEPTED])
@pytest.mark.parametrize("note", ["", "   \n"])
def test_closing_or_accepting_requires_a_note(submitted, manager, status, note):
    f = finding(submitted, "POL-02")
    with pytest.raises(ValidationError) as error:
        update_finding(
            f, status=status, owner=manager, due_date=None, remediation_plan="", closing_note=note
        )
    assert error.value.code == "note_required"
    f.refresh_from_db()
    assert f.status == S.OPEN


def test_planning_needs_no_note(submitted, staff):
    f = finding(submitted, "POL-02")
    update_finding(
        f, status=S.PLANNED, owner=staff, due_date=None, remediation_plan="", closing_note=""
    )
    f.refresh_from_db()
    assert (f.status, f.owner) == (S.PLANNED, staff)


# Views -------------------------------------------------------------------------------


def post_data(status, note="", plan="", owner=None, due=""):
    return {
        "status": status,
        "owner": owner.pk if owner else "",
        "due_date": due,
        "remediation_plan": plan,
        "closing_note": note,
    }


@pytest.mark.parametrize(
    ("who", "get", "post", "changed"),
    [
        ("staff", 200, 302, True),
        ("manager", 200, 302, True),
        ("admin_user", 200, 403, False),  # sees every vendor, but does not work on findings
        ("other_staff", 404, 404, False),
        (None, 302, 302, False),
    ],
)
def test_finding_page_access_matrix(client, request, submitted, who, get, post, changed):
    if who:
        client.force_login(request.getfixturevalue(who))
    f = finding(submitted, "POL-02")
    url = f.get_absolute_url()
    assert client.get(url).status_code == get
    response = client.post(url, post_data(S.PLANNED, plan="改善計画"))
    assert response.status_code == post
    f.refresh_from_db()
    assert f.status == (S.PLANNED if changed else S.OPEN)
    if who is None:
        assert response["Location"].startswith(reverse("login"))


def test_staff_cannot_accept_a_risk(client, submitted, staff):
    client.force_login(staff)
    f = finding(submitted, "POL-02")
    response = client.post(f.get_absolute_url(), post_data(S.ACCEPTED, note="許容する"))
    assert response.status_code == 403
    f.refresh_from_db()
    assert f.status == S.OPEN
    # ... and the form does not offer it to them.
    page = client.get(f.get_absolute_url())
    assert 'value="accepted"' not in page.content.decode()


def test_manager_accepts_a_risk_with_a_note(client, submitted, manager, staff):
    client.force_login(manager)
    f = finding(submitted, "POL-02")
    assert 'value="accepted"' in client.get(f.get_absolute_url()).content.decode()
    response = client.post(
        f.get_absolute_url(),
        post_data(S.ACCEPTED, note="代替策で許容する。", owner=staff, due="2031-03-31"),
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.closing_note, f.owner, str(f.due_date)) == (
        S.ACCEPTED,
        "代替策で許容する。",
        staff,
        "2031-03-31",
    )


def test_resolving_without_a_note_shows_the_error_and_keeps_the_input(client, submitted, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    f = finding(submitted, "POL-02")
    response = client.post(f.get_absolute_url(), post_data(S.RESOLVED, plan="手順書を更新した"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Explain why the finding is resolved" in html
    assert "手順書を更新した" in html
    f.refresh_from_db()
    assert (f.status, f.remediation_plan) == (S.OPEN, "")


def test_finding_changes_are_audited(client, submitted, staff):
    client.force_login(staff)
    f = finding(submitted, "POL-02")
    client.post(f.get_absolute_url(), post_data(S.PLANNED, plan="計画"))
    client.post(f.get_absolute_url(), post_data(S.RESOLVED, note="対応完了", plan="計画"))
    entries = LogEntry.objects.get_for_object(f).filter(action=LogEntry.Action.UPDATE)
    statuses = [e.changes_dict["status"] for e in entries.order_by("timestamp")]
    assert statuses == [["open", "planned"], ["planned", "resolved"]]
    last = entries.order_by("timestamp").last()
    assert last.actor == staff
    assert last.changes_dict["closing_note"] == ["", "対応完了"]
    assert last.additional_data == {"vendor_id": f.vendor_id, "assessment_id": f.assessment_id}


# The list ------------------------------------------------------------------------------


@pytest.fixture
def two_vendors(submitted, staff, manager, other_staff, version):
    """charlie's vendor (``submitted``) and dave's, each with findings."""
    theirs = make_vendor(other_staff, "株式会社ほか")
    other = services.start_assessment(theirs, user=other_staff, reviewer=manager)
    answer_everything(other, other_staff, {"CON-01": "no", "PHY-05": "no", "POL-02": "no"})
    submit(other, other_staff)
    approve(other, manager)
    mine = finding(submitted, "POL-02")
    update_finding(
        mine, status=S.PLANNED, owner=staff, due_date=None, remediation_plan="", closing_note=""
    )
    update_finding(
        finding(submitted, "PHY-05"),
        status=S.RESOLVED,
        owner=staff,
        due_date=None,
        remediation_plan="",
        closing_note="済",
    )
    return submitted.vendor, theirs


def listed(client, **params):
    response = client.get(reverse("assessments:findings"), params)
    assert response.status_code == 200
    return {(f.vendor.name, f.item.code) for f in response.context["page"]}


def test_staff_list_only_the_findings_of_their_vendors(client, two_vendors, staff, other_staff):
    mine, theirs = two_vendors
    client.force_login(staff)
    assert {name for name, _ in listed(client)} == {mine.name}
    client.force_login(other_staff)
    assert listed(client) == {(theirs.name, c) for c in ("CON-01", "PHY-05", "POL-02")}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"severity": "critical"}, {("mine", "CON-01"), ("theirs", "CON-01")}),
        ({"severity": "low"}, {("mine", "PHY-05"), ("theirs", "PHY-05")}),
        ({"status": "planned"}, {("mine", "POL-02")}),
        ({"status": "resolved"}, {("mine", "PHY-05")}),
        (
            {"status": "unresolved", "severity": "medium"},
            {("mine", "POL-01"), ("mine", "POL-02"), ("mine", "OPE-04"), ("theirs", "POL-02")},
        ),
        (
            {"vendor": "theirs"},
            {("theirs", "CON-01"), ("theirs", "PHY-05"), ("theirs", "POL-02")},
        ),
        ({"vendor": "mine", "status": "unresolved", "severity": "low"}, set()),
        ({"vendor": "theirs", "severity": "high"}, set()),
    ],
)
def test_list_filters(client, two_vendors, manager, params, expected):
    vendors = dict(zip(("mine", "theirs"), two_vendors, strict=True))
    if "vendor" in params:
        params = {**params, "vendor": vendors[params["vendor"]].pk}
    client.force_login(manager)
    assert listed(client, **params) == {(vendors[v].name, code) for v, code in expected}


def test_list_of_a_vendor_the_user_cannot_see_is_404(client, two_vendors, staff):
    client.force_login(staff)
    response = client.get(reverse("assessments:findings"), {"vendor": two_vendors[1].pk})
    assert response.status_code == 404


def test_list_shows_the_count_and_links_each_finding(client, two_vendors, manager):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)
    response = client.get(reverse("assessments:findings"), {"severity": "critical"})
    html = response.content.decode()
    assert "2 findings" in html
    for f in Finding.objects.filter(severity="critical"):
        assert f'href="{f.get_absolute_url()}"' in html


def test_anonymous_is_sent_to_login_from_the_list(client):
    response = client.get(reverse("assessments:findings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_query_count_does_not_grow_with_findings(
    client, manager, staff, version, django_assert_num_queries
):
    def add_vendor(n):
        vendor = make_vendor(staff, f"株式会社{n:02d}")
        assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
        answer_everything(assessment, staff, WEAK_ANSWERS)
        submit(assessment, staff)

    client.force_login(manager)
    add_vendor(0)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("assessments:findings")).status_code == 200
    for n in range(1, 6):
        add_vendor(n)
    assert Finding.objects.count() == 6 * len(EXPECTED_SEVERITY)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("assessments:findings"))
    assert len(response.context["page"]) == 6 * len(EXPECTED_SEVERITY)


# session, user, OTP device, groups, 2 x permissions, count, one page of findings with
# vendor, item, section, owner and assessment joined, ... (the same for 7 or 42 findings)
LIST_QUERIES = 11


def test_refused_access_to_someone_elses_finding_is_logged(client, submitted, other_staff):
    from accounts.models import AccessEvent

    target = submitted.findings.first()
    client.force_login(other_staff)
    url = reverse("assessments:finding", args=[target.pk])
    assert client.get(url).status_code == 404
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.DENIED)
    assert (event.user, event.path) == (other_staff, url)
    # A finding that does not exist is not a refusal.
    client.get(reverse("assessments:finding", args=[999999]))
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.DENIED).count() == 1


def test_list_shows_the_most_severe_first_then_the_soonest_due(client, two_vendors, manager):
    from datetime import date

    findings = list(Finding.objects.all())
    for n, finding in enumerate(findings):
        Finding.objects.filter(pk=finding.pk).update(due_date=date(2027, 1, 1 + n % 20))
    client.force_login(manager)
    response = client.get(reverse("assessments:findings"))
    shown = [(f.severity_rank, f.due_date, f.pk) for f in response.context["page"]]
    assert shown == sorted(shown) and len(shown) == len(findings)
