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
from assessments.models import Finding, ScoringPolicy
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


def test_a_new_finding_belongs_to_the_vendors_owner_and_is_due_by_its_severity(submitted, staff):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    for f in submitted.findings.all():
        assert f.owner == staff  # the vendor's owner
        days = scoring.DEFAULT_FINDING_DUE_DAYS[f.severity]
        assert f.due_date == today + timedelta(days=days), f.severity
    assert finding(submitted, "CON-01").due_date < finding(submitted, "PHY-05").due_date


def test_the_due_dates_follow_the_policy_admins_set(assessment, staff):
    from datetime import timedelta

    from django.utils import timezone

    policy = ScoringPolicy.current()
    policy.finding_due_days = {"critical": 7, "high": 14, "medium": 28, "low": 56}
    policy.full_clean()
    policy.save()
    answer_everything(assessment, staff, WEAK_ANSWERS)
    submit(assessment, staff)
    today = timezone.localdate()
    assert finding(assessment, "CON-01").due_date == today + timedelta(days=7)
    assert finding(assessment, "AST-02").due_date == today + timedelta(days=14)
    assert finding(assessment, "PHY-05").due_date == today + timedelta(days=56)


@pytest.mark.parametrize(
    "days",
    [
        {"critical": 30, "high": 60, "medium": 90},  # a severity missing
        {"critical": 0, "high": 60, "medium": 90, "low": 180},  # not from 1
        {"critical": 30, "high": 60, "medium": 90, "low": 731},  # beyond two years
        {"critical": 90, "high": 60, "medium": 90, "low": 180},  # worse gets longer
        {"critical": "30", "high": 60, "medium": 90, "low": 180},  # not a number
    ],
)
def test_a_bad_remediation_policy_is_refused(db, days):
    policy = ScoringPolicy.current()
    policy.finding_due_days = days
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "finding_due_days" in error.value.message_dict


def test_an_untouched_finding_whose_severity_changes_follows_the_new_due_date(
    submitted, staff, manager
):
    from datetime import timedelta

    from django.utils import timezone

    f = finding(submitted, "POL-01")  # partial: medium
    assert f.severity == "medium"
    return_to_staff(submitted, manager)
    services.save_answer(
        submitted, submitted.version.items.get(code="POL-01"), value="no", user=staff
    )
    submit(submitted, staff)
    f.refresh_from_db()
    assert f.severity == "high"
    found_on = timezone.localdate(f.created_at)
    assert f.due_date == found_on + timedelta(days=scoring.DEFAULT_FINDING_DUE_DAYS["high"])


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
        {"status": S.OPEN, "owner": "manager"},
    ],
    ids=["planned", "resolved", "open-with-a-plan", "open-with-an-owner"],
)
def test_resubmission_keeps_findings_someone_worked_on(submitted, staff, manager, work):
    worked = finding(submitted, "POL-01")
    fields = {"owner": None, "due_date": None, "remediation_plan": "", "closing_note": ""}
    work = {**work, "owner": manager} if "owner" in work else work
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
# vendor, item, section, owner and assessment joined, the owners the filters offer (the
# vendor is a name to type, not a list of every vendor), ... (the same for 7 or 42 findings)
LIST_QUERIES = 12


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


# Filters by owner and due date, dates in the reader's language -------------------------


@pytest.fixture
def dated(two_vendors, staff, manager):
    """Due dates and owners spread out: mine/POL-02 planned, due 2031-01-10, staff's;
    mine/CON-01 due 2020-01-10 (overdue), manager's; mine/POL-01 without an owner."""
    mine, theirs = two_vendors
    f = Finding.objects.get(vendor=mine, item__code="POL-02")
    Finding.objects.filter(vendor=mine).update(due_date="2031-06-30")
    Finding.objects.filter(pk=f.pk).update(due_date="2031-01-10", owner=staff)
    Finding.objects.filter(vendor=mine, item__code="CON-01").update(
        due_date="2020-01-10", owner=manager
    )
    Finding.objects.filter(vendor=mine, item__code="PHY-05").update(due_date="2019-01-01")
    Finding.objects.filter(vendor=mine, item__code="POL-01").update(owner=None)
    return mine, theirs


@pytest.mark.parametrize(
    ("language", "params", "expected"),
    [
        ("ja", {"owner": "manager", "vendor": "mine"}, {"CON-01"}),
        ("ja", {"owner": "null", "vendor": "mine"}, {"POL-01"}),
        ("ja", {"due_before": "2031/01/31", "vendor": "mine"}, {"POL-02", "CON-01", "PHY-05"}),
        ("en", {"due_before": "2031-01-31", "vendor": "mine"}, {"POL-02", "CON-01", "PHY-05"}),
        (
            "ja",
            {"due_after": "2031年1月1日", "due_before": "2031/1/31", "vendor": "mine"},
            {"POL-02"},
        ),
        (
            "en",
            {"due_after": "2031-01-11", "vendor": "mine", "severity": "medium"},
            {"POL-01", "OPE-04"},
        ),
        # Overdue: past due and not resolved (PHY-05 is resolved).
        ("ja", {"overdue": "on", "vendor": "mine"}, {"CON-01"}),
    ],
)
def test_list_filters_by_owner_and_due_date(
    client, dated, staff, manager, language, params, expected
):
    mine, _ = dated
    people = {"staff": staff.pk, "manager": manager.pk, "null": "null"}
    params = {**params, "vendor": mine.pk}
    if "owner" in params:
        params["owner"] = people[params["owner"]]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(manager)
    assert {code for _, code in listed(client, **params)} == expected


def test_overdue_findings_are_marked_in_the_list(client, dated, manager):
    client.force_login(manager)
    html = client.get(reverse("assessments:findings"), {"vendor": dated[0].pk}).content.decode()
    assert html.count('data-testid="overdue"') == 1  # CON-01; PHY-05 is resolved


@pytest.mark.parametrize("bad", ["12/31/2031", "2031-13-01", "tomorrow", "ー"])
def test_a_bad_date_in_the_filter_is_a_message_not_an_error(client, dated, manager, bad):
    client.force_login(manager)
    response = client.get(reverse("assessments:findings"), {"due_before": bad})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_vendor_filter_finds_only_the_vendors_the_user_sees(client, two_vendors, staff):
    mine, theirs = two_vendors
    client.force_login(staff)
    response = client.get(reverse("assessments:findings"))
    assert list(response.context["filters"].form.fields["vendor"].queryset) == [mine]
    page = response.content.decode()
    assert theirs.name not in page
    assert mine.name not in page.split('role="search"')[1].split("</form>")[0]  # no options
    # By name, as typed: hiragana or half-width katakana, without 株式会社.
    assert {name for name, _code in listed(client, vendor_name=theirs.name)} == set()
    assert {name for name, _code in listed(client, vendor_name="ほか")} == set()
    client.force_login(theirs.owner)
    assert {name for name, _code in listed(client, vendor_name="ﾎｶ")} == {theirs.name}
    assert {name for name, _code in listed(client, vendor_name=mine.name)} == set()


@pytest.mark.parametrize(
    ("language", "shown", "typed", "stored"),
    [
        ("ja", 'value="2031/03/31"', "2031/04/30", "2031-04-30"),
        ("en", 'value="2031-03-31"', "2031-04-30", "2031-04-30"),
        ("ja", 'value="2031/03/31"', "2031年4月30日", "2031-04-30"),
    ],
)
def test_the_due_date_field_is_in_the_readers_format(
    client, submitted, manager, language, shown, typed, stored
):
    f = finding(submitted, "POL-02")
    Finding.objects.filter(pk=f.pk).update(due_date="2031-03-31")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(manager)
    html = client.get(f.get_absolute_url()).content.decode()
    assert shown in html and 'type="date"' not in html
    response = client.post(f.get_absolute_url(), post_data(S.PLANNED, due=typed))
    assert response.status_code == 302
    f.refresh_from_db()
    assert str(f.due_date) == stored


def test_a_us_date_is_not_read_as_one(client, submitted, manager):
    f = finding(submitted, "POL-02")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)
    response = client.post(f.get_absolute_url(), post_data(S.PLANNED, due="04/05/2031"))
    assert response.status_code == 200
    f.refresh_from_db()
    assert f.status == S.OPEN


def test_the_finding_page_shows_the_answer_comment_and_evidence_behind_it(
    client, submitted, staff, manager, media
):
    from tests.factories import pdf_upload
    from vendors.uploads import store_upload

    item = submitted.version.items.get(code="POL-02")
    answer = submitted.answers.get(item=item)
    answer.comment = "規程は作成中です。"
    answer.save()
    answer.evidence.add(store_upload(pdf_upload("規程案.pdf"), folder="t", user=staff))
    f = finding(submitted, "POL-02")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    client.force_login(manager)
    html = client.get(f.get_absolute_url()).content.decode()
    assert 'data-testid="finding-answer">いいえ<' in html
    assert "規程は作成中です。" in html
    evidence = answer.evidence.get()
    assert reverse("assessments:evidence_file", args=[submitted.pk, evidence.pk]) in html
    assert "規程案.pdf" in html


def test_an_unanswered_item_says_so_on_its_finding(client, assessment, staff, manager):
    answer_everything(assessment, staff, skip=("PHY-05",))
    submit(assessment, staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)
    html = client.get(finding(assessment, "PHY-05").get_absolute_url()).content.decode()
    assert "The item was left unanswered." in html


def test_detail_query_count_does_not_grow_with_evidence(
    client, submitted, staff, manager, media, django_assert_max_num_queries
):
    from tests.factories import pdf_upload
    from vendors.uploads import store_upload

    item = submitted.version.items.get(code="POL-02")
    f = finding(submitted, "POL-02")
    client.force_login(manager)
    answer = submitted.answers.get(item=item)
    answer.evidence.add(store_upload(pdf_upload("一.pdf"), folder="t", user=staff))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(f.get_absolute_url()).status_code == 200
    for n in range(5):
        answer.evidence.add(store_upload(pdf_upload(f"{n}.pdf"), folder="t", user=staff))
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(f.get_absolute_url())
    assert response.content.decode().count("/evidence/") >= 6


# session, user, OTP device, groups, permissions, the finding with its joins, the answer,
# its evidence, the owners offered, the vendor's proposals, ... (the same for 1 or 6 files)
DETAIL_QUERIES = 16


def test_list_shows_the_most_severe_first_then_the_soonest_due(client, two_vendors, manager):
    from datetime import date

    findings = list(Finding.objects.all())
    for n, finding in enumerate(findings):
        Finding.objects.filter(pk=finding.pk).update(due_date=date(2027, 1, 1 + n % 20))
    client.force_login(manager)
    response = client.get(reverse("assessments:findings"))
    shown = [(f.severity_rank, f.due_date, f.pk) for f in response.context["page"]]
    assert shown == sorted(shown) and len(shown) == len(findings)
