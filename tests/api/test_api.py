"""What the API does beyond access: answers and their conflicts, workflow, findings,
problem details in the caller's language, audit marking, throttling, query counts."""

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.throttling import PerTokenThrottle
from assessments.models import Answer, Assessment
from vendors.models import Vendor


def test_an_answer_saves_through_the_service_and_a_stale_revision_conflicts(api_world, api):
    url = f"/api/v1/assessments/{api_world['assessment'].pk}/answers/CON-01/"
    first = api("assigned").put(url, {"value": "yes", "comment": "締結済み", "revision": 1})
    assert first.status_code == 200, first.json()
    assert first.json()["revision"] == 2 and first.json()["value"] == "yes"
    stale = api("assigned", language="en").put(url, {"value": "partial", "revision": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["type"] == "urn:duediligence:problem:answer_conflict"
    assert body["theirs"] == "yes" and body["revision"] == 2 and body["theirs_by"] == "charlie"
    assert body["detail"] == "Someone else changed this answer since you read it."
    assert (
        Answer.objects.get(assessment=api_world["assessment"], item__code="CON-01").value == "yes"
    )


def test_a_bad_answer_is_explained_in_the_callers_language(api_world, api):
    url = f"/api/v1/assessments/{api_world['assessment'].pk}/answers/CON-01/"
    en = api("assigned", language="en").put(url, {"value": "maybe"})
    assert en.status_code == 400
    assert en["Content-Type"] == "application/problem+json"
    assert en["Content-Language"] == "en"
    assert en.json()["errors"]["value"] == ["Choose one of the answers shown."]
    ja = api("assigned", language="ja,en;q=0.5").put(url, {"value": "maybe"})
    assert ja.json()["errors"]["value"] == ["表示されている回答から1つ選んでください。"]
    assert ja.json()["title"] != en.json()["title"]
    assert (
        api("assigned").put(url.replace("CON-01", "NOPE-99"), {"value": "yes"}).status_code == 404
    )


def test_not_found_is_a_problem_in_japanese_by_default(api_world, api):
    response = api("assigned").get("/api/v1/vendors/999999/")
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404 and body["instance"] == "/api/v1/vendors/999999/"
    assert body["title"] == "見つかりません"


def test_the_workflow_runs_through_the_api_with_the_webs_rules(api_world, api):
    from tests.reports.conftest import answer_items

    assessment = api_world["assessment"]
    assessment.answers.all().delete()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.DRAFT)
    answer_items(assessment, api_world["users"]["assigned"])
    actions = f"/api/v1/assessments/{assessment.pk}/actions/"
    assert api("assigned").post(actions + "submit/").json()["status"] == "submitted"
    again = api("assigned", language="en").post(actions + "submit/")
    assert again.status_code == 409 and "not possible" in again.json()["detail"]
    assert api("manager").post(actions + "begin_review/").status_code == 200
    no_comment = api("manager", language="en").post(actions + "return/", {"comment": " "})
    assert no_comment.status_code == 409
    assert api("manager").post(actions + "approve/").json()["status"] == "approved"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED and assessment.score is not None
    locked = api("assigned").put(
        f"/api/v1/assessments/{assessment.pk}/answers/CON-01/", {"value": "no"}
    )
    assert locked.status_code == 403


def test_findings_keep_the_webs_rules(api_world, api):
    url = f"/api/v1/findings/{api_world['finding'].pk}/"
    accept = api("assigned", language="en").patch(url, {"status": "accepted", "closing_note": "x"})
    assert accept.status_code == 403  # only managers accept risk
    unexplained = api("manager", language="en").patch(url, {"status": "resolved"})
    assert unexplained.status_code == 400
    assert "closing_note" in unexplained.json()["errors"] or unexplained.json()["errors"]
    ok = api("manager").patch(url, {"status": "accepted", "closing_note": "代替統制あり"})
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"


def test_every_change_through_the_api_is_audited_as_made_through_the_api(api_world, api):
    vendor = api_world["vendor"]
    raw = api_world["tokens"][("assigned", "write")]
    response = api("assigned").patch(f"/api/v1/vendors/{vendor.pk}/", {"engagement": "2027 窓口"})
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(vendor).order_by("-timestamp").first()
    assert entry.actor == api_world["users"]["assigned"]
    assert entry.additional_data["via"] == "api"
    assert entry.additional_data["api_token"] == raw.split("_")[1]
    assert entry.additional_data["vendor_id"] == vendor.pk  # the vendor's history finds it
    assert entry.remote_addr == "127.0.0.1"


def test_a_report_download_is_audited_and_served(api_world, api):
    report = api_world["report"]
    response = api("manager", "read").get(f"/api/v1/reports/{report.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.ACCESS).get()
    assert entry.additional_data["via"] == "api"


def test_vendor_contacts_are_written_with_the_vendor(api_world, api):
    created = api("assigned").post(
        "/api/v1/vendors/",
        {"name": "株式会社連絡先", "contacts": [{"name": "佐藤 花子", "email": "sato@example.jp"}]},
    )
    assert created.status_code == 201
    vendor = Vendor.objects.get(pk=created.json()["id"])
    assert vendor.owner == api_world["users"]["assigned"]
    contact = vendor.contacts.get()
    other = api_world["vendor"].contacts.get()
    foreign = api("assigned").patch(
        f"/api/v1/vendors/{vendor.pk}/", {"contacts": [{"id": other.pk, "name": "x"}]}
    )
    assert foreign.status_code == 400
    renamed = api("assigned").patch(
        f"/api/v1/vendors/{vendor.pk}/", {"contacts": [{"id": contact.pk, "name": "佐藤 花"}]}
    )
    assert renamed.json()["contacts"][0]["name"] == "佐藤 花"


def test_a_bad_corporate_number_is_refused_with_a_field_error(api_world, api):
    response = api("assigned", language="en").post(
        "/api/v1/vendors/", {"name": "x", "corporate_number": "1234567890124"}
    )
    assert response.status_code == 400
    assert "corporate_number" in response.json()["errors"]


def test_filters_and_ordering(api_world, api):
    listed = api("manager").get("/api/v1/vendors/", {"q": "エーピーアイ"}).json()
    assert [v["id"] for v in listed["results"]] == [api_world["vendor"].pk]
    ordered = api("manager").get("/api/v1/vendors/", {"ordering": "-id"}).json()["results"]
    assert [v["id"] for v in ordered] == sorted((v["id"] for v in ordered), reverse=True)
    paged = api("manager").get("/api/v1/vendors/", {"page_size": 1}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]


def test_requests_are_throttled_per_token(api_world, api, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api_token": "3/min"})
    for _ in range(3):
        assert api("manager", "read").get("/api/v1/me/").status_code == 200
    limited = api("manager", "read", language="en").get("/api/v1/me/")
    assert limited.status_code == 429 and "Retry-After" in limited
    # Another token of the same person has its own allowance.
    assert api("manager", "write").get("/api/v1/me/").status_code == 200


def test_the_vendor_list_costs_the_same_queries_for_more_vendors(api_world, api):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api("manager", "read").get("/api/v1/vendors/").status_code == 200
        return len(queries)

    count()  # the first use of the token records it; later ones need not
    before = count()
    for n in range(5):
        Vendor.objects.create(name=f"追加 {n}", owner=api_world["users"]["assigned"])
    assert count() == before


def test_certifications_and_contracts_are_added_with_the_forms_date_rule(api_world, api):
    vendor = api_world["vendor"]
    url = f"/api/v1/vendors/{vendor.pk}/certifications/"
    backwards = api("assigned", language="en").post(
        url, {"kind": "pmark", "valid_from": "2027-01-01", "valid_until": "2026-01-01"}
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"]["valid_until"] == ["The end of validity is before its start."]
    added = api("assigned").post(url, {"kind": "iso27001", "valid_until": "2028-03-31"})
    assert added.status_code == 201 and added.json()["state"] == "valid"
    assert vendor.certifications.filter(kind="iso27001").exists()
    entry = LogEntry.objects.filter(additional_data__vendor_id=vendor.pk).order_by("-pk").first()
    assert entry.additional_data["via"] == "api"
