"""Assessment screens: who may do what, answering, the workflow, evidence, query counts."""

import json
import re
from urllib.parse import quote

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts import roles
from assessments import services
from assessments.answers import display_answer
from assessments.models import Assessment
from tests.conftest import make_user
from tests.factories import PDF_BYTES, answer_everything, pdf_upload
from vendors.models import StoredFile, Vendor
from vendors.uploads import store_upload

S = Assessment.Status


def ja(message, **params):
    """A message as a Japanese user sees it in the page (translated, then escaped)."""
    with translation.override("ja"):
        text = gettext(message)
    return escape(text % params if params else text)


def opening_tag(page: str, element_id: str) -> str:
    match = re.search(rf'<[a-z]+\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert match, f"no element #{element_id}"
    return match.group(0)


def is_checked(page: str, input_id: str) -> bool:
    return re.search(r"\schecked\b", opening_tag(page, input_id)) is not None


def section_url(assessment, code):
    return reverse("assessments:section", args=[assessment.pk, code])


def answer_url(assessment, code):
    return reverse("assessments:answer", args=[assessment.pk, code])


def action_url(assessment, name):
    return reverse("assessments:action", args=[assessment.pk, name])


def stored_values(assessment):
    return dict(assessment.answers.values_list("item__code", "value"))


@pytest.fixture
def answered(assessment, version, staff):
    """An assessment in progress: CON-01 answered, one evidence PDF attached to it."""
    services.save_answer(assessment, version.items.get(code="CON-01"), value="yes", user=staff)
    return assessment


@pytest.fixture
def evidence(answered, media, staff):
    stored = store_upload(pdf_upload("秘密保持契約.pdf"), folder="assessments/x", user=staff)
    answered.answers.get(item__code="CON-01").evidence.add(stored)
    return stored


# --- Access matrix ------------------------------------------------------------------------

USERS = ["anonymous", "staff", "other_staff", "manager", "admin_user", "no_role_user"]
LOGIN = "login"

# url name -> (method, expected status per user). Object URLs are 404 for outsiders; managers
# and admins read but cannot answer (neither has answer_assessments); users without a role see
# only their profile.
MATRIX = {
    "index": ("get", {"staff": 200, "other_staff": 200, "manager": 200, "admin_user": 200}),
    "start": ("get", {"staff": 200, "other_staff": 404, "manager": 403, "admin_user": 403}),
    "start_post": ("post", {"staff": 302, "other_staff": 404, "manager": 403, "admin_user": 403}),
    "detail": ("get", {"staff": 200, "other_staff": 404, "manager": 200, "admin_user": 200}),
    "section": ("get", {"staff": 200, "other_staff": 404, "manager": 200, "admin_user": 200}),
    "answer": ("post", {"staff": 302, "other_staff": 404, "manager": 403, "admin_user": 403}),
    "evidence": ("post", {"staff": 302, "other_staff": 404, "manager": 403, "admin_user": 403}),
    "evidence_file": (
        "get",
        {"staff": 200, "other_staff": 404, "manager": 200, "admin_user": 200},
    ),
    # Submitting is the procurement side's step; for the others it is no action at all.
    "action": ("post", {"staff": 302, "other_staff": 404, "manager": 403, "admin_user": 403}),
}


def matrix_request(client, name, assessment, evidence):
    if name == "index":
        return client.get(reverse("assessments:index"))
    if name == "start":
        return client.get(reverse("assessments:start", args=[assessment.vendor_id]))
    if name == "start_post":
        return client.post(
            reverse("assessments:start", args=[assessment.vendor_id]), {"carry_over": "on"}
        )
    if name == "detail":
        return client.get(reverse("assessments:detail", args=[assessment.pk]))
    if name == "section":
        return client.get(section_url(assessment, "CON"))
    if name == "answer":
        return client.post(answer_url(assessment, "CON-02"), {"value": "no", "revision": "0"})
    if name == "evidence":
        return client.post(
            reverse("assessments:evidence", args=[assessment.pk, "CON-02"]),
            {"file": pdf_upload()},
        )
    if name == "evidence_file":
        return client.get(reverse("assessments:evidence_file", args=[assessment.pk, evidence.pk]))
    return client.post(action_url(assessment, "submit"))


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", MATRIX)
def test_access_matrix(client, request, answered, evidence, name, who):
    method, expected = MATRIX[name]
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    before = (
        stored_values(answered),
        StoredFile.objects.count(),
        Assessment.objects.count(),
        answered.status,
    )

    response = matrix_request(client, name, answered, evidence)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(LOGIN) + "?next=")
    elif who == "no_role_user":
        assert response.status_code == 403
    else:
        assert response.status_code == expected[who]
    answered.refresh_from_db()
    after = (
        stored_values(answered),
        StoredFile.objects.count(),
        Assessment.objects.count(),
        answered.status,
    )
    if method == "post" and response.status_code != 302 or who == "anonymous":
        assert after == before  # refused requests change nothing
    if who == "staff" and method == "post":
        assert after != before or name == "action"  # the refused submit only says why


def test_other_staff_see_no_assessment_in_the_list(client, answered, other_staff, staff):
    client.force_login(other_staff)
    assert "株式会社テスト" not in client.get(reverse("assessments:index")).content.decode()
    client.force_login(staff)
    assert "株式会社テスト" in client.get(reverse("assessments:index")).content.decode()


@pytest.mark.parametrize("name", ["answer", "evidence", "action"])
@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_post_only_views_refuse_get(client, request, answered, name, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    args = [answered.pk, "submit" if name == "action" else "CON-01"]
    assert client.get(reverse(f"assessments:{name}", args=args)).status_code == 405


def test_staff_start_an_assessment_of_their_vendor(client, vendor, version, staff, manager):
    client.force_login(staff)
    response = client.post(
        reverse("assessments:start", args=[vendor.pk]),
        {"reviewer": manager.pk, "due_date": "2030-01-31"},
    )
    assessment = Assessment.objects.get(vendor=vendor)
    # Straight to the first section's questions: no "start answering" click in between.
    first = assessment.version.sections.order_by("position").first()
    assert response["Location"] == section_url(assessment, first.code)
    assert (assessment.reviewer, str(assessment.due_date)) == (manager, "2030-01-31")
    assert list(assessment.assessors.all()) == [staff]


def test_start_form_preselects_the_only_manager_and_has_nothing_to_carry(
    client, vendor, version, staff, manager
):
    client.force_login(staff)
    form = client.get(reverse("assessments:start", args=[vendor.pk])).context["form"]
    assert form["reviewer"].value() == manager.pk
    # No approved assessment yet: the box is unticked and cannot be ticked.
    assert form["carry_over"].value() is False
    assert form.fields["carry_over"].disabled
    assert ja("This vendor has no approved assessment to carry over.") in str(form)
    # Posting the form as shown (the disabled box sends nothing) starts without carry-over.
    client.post(reverse("assessments:start", args=[vendor.pk]), {"reviewer": manager.pk})
    assert Assessment.objects.get(vendor=vendor).carried_from is None


def test_start_form_leaves_the_reviewer_open_among_several_managers(
    client, vendor, version, staff, manager
):
    make_user("dana", roles.MANAGER)
    client.force_login(staff)
    form = client.get(reverse("assessments:start", args=[vendor.pk])).context["form"]
    assert form["reviewer"].value() is None


def test_start_form_ticks_carry_over_when_an_approved_assessment_exists(
    client, answered, vendor, staff, manager
):
    Assessment.objects.filter(pk=answered.pk).update(
        status=S.APPROVED, approved_at="2026-03-01T03:00:00Z"
    )
    client.force_login(staff)
    response = client.get(reverse("assessments:start", args=[vendor.pk]))
    form = response.context["form"]
    assert form["carry_over"].value() is True and not form.fields["carry_over"].disabled
    assert "2026年3月1日" in response.content.decode()
    client.post(
        reverse("assessments:start", args=[vendor.pk]),
        {"reviewer": manager.pk, "carry_over": "on"},
    )
    new = Assessment.objects.filter(vendor=vendor).latest("pk")
    assert new.carried_from == answered
    assert new.answers.get(item__code="CON-01").carried_over


def test_start_answering_on_a_draft_goes_to_the_first_section(client, assessment, staff):
    client.force_login(staff)
    response = client.post(action_url(assessment, "start"))
    assert response["Location"] == section_url(assessment, "SCO")


def test_unknown_assessment_section_and_item_are_404(client, answered, staff):
    client.force_login(staff)
    assert client.get(reverse("assessments:detail", args=[answered.pk + 99])).status_code == 404
    assert client.get(section_url(answered, "NOPE")).status_code == 404
    assert client.post(answer_url(answered, "NOPE-01"), {"value": "yes"}).status_code == 404


def test_unknown_workflow_action_is_refused(client, answered, staff):
    client.force_login(staff)
    assert client.post(action_url(answered, "delete")).status_code == 403


def test_evidence_download_keeps_the_original_name(client, answered, evidence, manager):
    client.force_login(manager)
    response = client.get(reverse("assessments:evidence_file", args=[answered.pk, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert quote("秘密保持契約.pdf") in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_evidence_of_another_assessment_is_404_through_mine(
    client, answered, evidence, version, other_staff
):
    """Access is checked on the assessment in the URL; the file must belong to it."""
    theirs = services.start_assessment(
        Vendor.objects.create(name="他社", owner=other_staff), user=other_staff
    )
    client.force_login(other_staff)
    url = reverse("assessments:evidence_file", args=[theirs.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_deleted_evidence_is_404(client, answered, evidence, staff):
    StoredFile.objects.filter(pk=evidence.pk).update(deleted_at="2025-01-01T00:00:00Z")
    client.force_login(staff)
    url = reverse("assessments:evidence_file", args=[answered.pk, evidence.pk])
    assert client.get(url).status_code == 404


# --- Answering ----------------------------------------------------------------------------


def test_plain_post_saves_and_returns_to_the_item(client, assessment, staff):
    client.force_login(staff)
    response = client.post(
        answer_url(assessment, "CON-02"), {"value": "partial", "comment": "一部"}
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(assessment, "CON") + "#item-CON-02"
    answer = assessment.answers.get(item__code="CON-02")
    assert (answer.value, answer.comment, answer.updated_by, answer.revision) == (
        "partial",
        "一部",
        staff,
        1,
    )
    assessment.refresh_from_db()
    assert assessment.status == S.IN_PROGRESS  # the first answer starts the assessment
    page = client.get(response["Location"]).content.decode()
    assert ja("Answer saved.") in page
    assert is_checked(page, "v-CON-02-partial")


def oob_ids(page: str) -> set[str]:
    return set(re.findall(r'<[a-z]+\b[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob="true"', page))


def test_htmx_save_sends_only_the_item_status_progress_and_score(client, assessment, staff):
    client.force_login(staff)
    response = client.post(
        answer_url(assessment, "INC-01"), {"value": "２４", "revision": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert assessment.answers.get(item__code="INC-01").value == 24
    # The swap target first, then out of band: nothing of the section but this item.
    assert page.lstrip().startswith('<div id="status-INC-01"')
    assert oob_ids(page) == {
        "rev-INC-01",
        "saved-INC-01",
        "carried-INC-01",
        "v-INC-01",  # typed as ２４, stored as 24
        "score-summary",
        "section-nav",
        "progress-pill",
    }
    assert 'id="section-page"' not in page
    assert "<textarea" not in page  # no comment field is ever replaced
    assert 'value="24"' in opening_tag(page, "v-INC-01")
    assert 'data-sent="２４"' in opening_tag(page, "v-INC-01")
    # The new revision, so the next change is not taken for a conflict.
    assert 'value="1"' in opening_tag(page, "rev-INC-01")
    assert str(staff) in page[page.index('id="saved-INC-01"') :][:500]
    nav = page[page.index('id="section-nav"') :]
    assert re.search(r'data-progress="INC">.*?1/\d+</span>', nav, re.S)


def test_htmx_save_of_a_choice_leaves_every_field_alone(client, assessment, staff):
    client.force_login(staff)
    page = client.post(
        answer_url(assessment, "CON-01"),
        {"value": "yes", "comment": "締結済み", "revision": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<textarea" not in page and 'name="value"' not in page
    assert "v-CON-01" not in oob_ids(page)


def test_htmx_save_confirms_a_carried_over_answer(client, assessment, staff):
    services.save_answer(assessment, assessment.version.items.get(code="CON-01"), value="yes")
    assessment.answers.filter(item__code="CON-01").update(carried_over=True)
    client.force_login(staff)
    page = client.get(section_url(assessment, "CON")).content.decode()
    carried = page[page.index('id="carried-CON-01"') :][:300]
    assert ja("Carried over: confirm") in carried
    page = client.post(
        answer_url(assessment, "CON-01"), {"value": "yes", "revision": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert ja("Carried over: confirm") not in page
    assert "carried-CON-01" in oob_ids(page)


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_value_shows_the_error_and_keeps_the_typed_text(client, assessment, staff, htmx):
    client.force_login(staff)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        answer_url(assessment, "INC-01"), {"value": "abc", "revision": "0"}, **headers
    )
    # htmx swaps only 2xx responses; a plain form post says "unprocessable".
    assert response.status_code == (200 if htmx else 422)
    page = response.content.decode()
    assert ja("Enter a number, e.g. 24.") in page
    if htmx:  # the field keeps what was typed because it is not sent back at all
        assert 'id="v-INC-01"' not in page
    else:
        assert 'value="abc"' in opening_tag(page, "v-INC-01")
    assert not assessment.answers.exists()
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT


def test_stale_revision_shows_the_conflict_and_overwrites_nothing(
    client, assessment, vendor, staff
):
    frank = make_user("frank", roles.PROCUREMENT, last_name="担当", first_name="フランク")
    vendor.assigned_staff.add(frank)
    client.force_login(staff)
    client.post(answer_url(assessment, "CON-01"), {"value": "yes", "revision": "0"})
    # Both pages now show revision 1; Frank saves first.
    client.force_login(frank)
    client.post(answer_url(assessment, "CON-01"), {"value": "no", "revision": "1"})
    client.force_login(staff)

    response = client.post(
        answer_url(assessment, "CON-01"),
        {"value": "partial", "comment": "私の回答", "revision": "1"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    with translation.override("ja"):
        theirs = display_answer(assessment.version.items.get(code="CON-01"), "no")
    conflict = re.search(r'<div class="alert alert-warning[^>]*>(.*?)</div>', page, re.S)
    assert conflict, "no conflict message"
    assert str(frank) in conflict.group(1)
    assert escape(theirs) in conflict.group(1)
    # The user's answer and comment stay in their fields: none is sent back to replace them.
    assert 'name="value"' not in page and "<textarea" not in page
    answer = assessment.answers.get(item__code="CON-01")
    assert (answer.value, answer.updated_by, answer.revision) == ("no", frank, 2)

    # Saving again from that page replaces Frank's answer knowingly.
    revision = re.search(r'value="(\d+)"', opening_tag(page, "rev-CON-01")).group(1)
    assert revision == "2"
    client.post(answer_url(assessment, "CON-01"), {"value": "partial", "revision": revision})
    assert assessment.answers.get(item__code="CON-01").value == "partial"


def test_conditional_item_appears_once_its_condition_is_met(client, assessment, staff):
    client.force_login(staff)
    page = client.get(section_url(assessment, "SUB")).content.decode()
    tag = opening_tag(page, "item-SUB-02")
    assert 'data-visible="false"' in tag
    assert re.search(r"\shidden\b", tag)
    assert 'data-visible="true"' in opening_tag(page, "item-SUB-01")

    def shown_after(value, revision):
        response = client.post(
            answer_url(assessment, "SUB-01"),
            {"value": value, "revision": revision},
            HTTP_HX_REQUEST="true",
        )
        # Shown or hidden in place by static/js/app.js; the item itself is not sent again.
        assert 'id="item-SUB-02"' not in response.content.decode()
        return json.loads(response["HX-Trigger"])["dd:visibility"]["items"]

    assert shown_after("no", "0")["SUB-02"] is False
    assert shown_after("yes", "1")["SUB-02"] is True
    page = client.get(section_url(assessment, "SUB")).content.decode()
    tag = opening_tag(page, "item-SUB-02")
    assert 'data-visible="true"' in tag
    assert not re.search(r"\shidden\b", tag)


def test_clearing_an_answer_marks_it_unanswered(client, answered, staff):
    client.force_login(staff)
    client.post(answer_url(answered, "CON-01"), {"value": "", "revision": "1"})
    assert answered.answers.get(item__code="CON-01").value is None
    page = client.get(reverse("assessments:detail", args=[answered.pk])).content.decode()
    assert section_url(answered, "CON") + "#item-CON-01" in page


# --- Workflow through the screens ---------------------------------------------------------


def unanswered_links(page):
    block = re.search(r'<ul class="mb-0" id="unanswered">(.*?)</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else []


def test_submit_is_refused_while_required_items_are_unanswered(client, answered, staff):
    answer_everything(answered, staff, skip={"CON-02", "INC-01", "SUB-01"}, one_by_one=True)
    client.force_login(staff)
    response = client.post(action_url(answered, "submit"), follow=True)
    page = response.content.decode()
    assert ja("Answer every required item before submitting.") in page
    answered.refresh_from_db()
    assert answered.status == S.IN_PROGRESS
    # SUB-02..06 hang on SUB-01, so only the three are listed, each a link to its item.
    assert unanswered_links(page) == [
        section_url(answered, "INC") + "#item-INC-01",
        section_url(answered, "CON") + "#item-CON-02",
        section_url(answered, "SUB") + "#item-SUB-01",
    ]


def test_review_cycle_through_the_screens(client, answered, staff, manager):
    answer_everything(answered, staff, skip={"CON-02"}, one_by_one=True)
    client.force_login(staff)
    client.post(answer_url(answered, "CON-02"), {"value": "no", "revision": "0"})
    page = client.get(reverse("assessments:detail", args=[answered.pk])).content.decode()
    assert unanswered_links(page) == []
    client.post(action_url(answered, "submit"))
    answered.refresh_from_db()
    assert answered.status == S.SUBMITTED
    assert answered.submitted_at is not None

    client.force_login(manager)
    page = client.post(
        action_url(answered, "return"), {"comment": "  ", "confirmed": "1"}, follow=True
    )
    assert ja("Say what must be corrected when returning an assessment.") in page.content.decode()
    answered.refresh_from_db()
    assert answered.status == S.SUBMITTED
    client.post(
        action_url(answered, "return"),
        {"comment": "CON-02の根拠を添付してください", "confirmed": "1"},
    )
    answered.refresh_from_db()
    assert answered.status == S.IN_PROGRESS

    client.force_login(staff)
    page = client.get(reverse("assessments:detail", args=[answered.pk])).content.decode()
    assert "CON-02の根拠を添付してください" in page
    assert 'data-action="submit"' in page
    response = client.post(answer_url(answered, "CON-02"), {"value": "yes", "revision": "1"})
    assert response.status_code == 302
    client.post(action_url(answered, "submit"))

    client.force_login(manager)
    page = client.get(reverse("assessments:detail", args=[answered.pk])).content.decode()
    assert 'data-action="begin_review"' in page
    assert 'data-action="approve"' not in page
    client.post(action_url(answered, "begin_review"))
    client.post(
        action_url(answered, "approve"),
        {"comment": "承認します", "conclusion": "adopt", "confirmed": "1"},
    )
    answered.refresh_from_db()
    assert (answered.status, answered.approved_by) == (S.APPROVED, manager)
    assert list(answered.review_notes.values_list("action", flat=True)) == ["return", "approve"]

    client.force_login(staff)
    response = client.post(answer_url(answered, "CON-02"), {"value": "no", "revision": "2"})
    assert response.status_code == 403
    assert answered.answers.get(item__code="CON-02").value == "yes"
    evidence = client.post(
        reverse("assessments:evidence", args=[answered.pk, "CON-02"]), {"file": pdf_upload()}
    )
    assert evidence.status_code == 403
    page = client.get(section_url(answered, "CON")).content.decode()
    assert ja("This assessment is locked: answers cannot change now.") in page
    assert 'class="answer-form"' not in page
    assert "multipart/form-data" not in page
    assert (
        'data-action="'
        not in client.get(reverse("assessments:detail", args=[answered.pk])).content.decode()
    )


def test_submitted_assessment_is_locked_for_staff(client, answered, staff):
    answer_everything(answered, staff, one_by_one=True)
    client.force_login(staff)
    client.post(action_url(answered, "submit"))
    page = client.get(section_url(answered, "CON")).content.decode()
    assert ja("This assessment is locked: answers cannot change now.") in page
    assert 'class="answer-form"' not in page
    assert client.post(answer_url(answered, "CON-01"), {"value": "no"}).status_code == 403


# --- Evidence upload ----------------------------------------------------------------------


def test_pdf_evidence_is_attached_and_listed(client, answered, media, staff):
    client.force_login(staff)
    response = client.post(
        reverse("assessments:evidence", args=[answered.pk, "CON-02"]),
        {"file": pdf_upload("委託契約書.pdf")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == section_url(answered, "CON") + "#item-CON-02"
    stored = StoredFile.objects.get()
    assert list(answered.answers.get(item__code="CON-02").evidence.all()) == [stored]
    assert stored.storage_name.startswith(f"assessments/{answered.pk}/")
    assert "委託契約書" not in stored.storage_name
    page = response.content.decode()
    assert ja("Evidence “%(name)s” attached.", name="委託契約書.pdf") in page
    download = reverse("assessments:evidence_file", args=[answered.pk, stored.pk])
    assert f'<a href="{download}">委託契約書.pdf</a>' in page


def test_text_file_named_pdf_is_refused(client, answered, media, staff):
    client.force_login(staff)
    response = client.post(
        reverse("assessments:evidence", args=[answered.pk, "CON-02"]),
        {"file": pdf_upload("x.pdf", b"just some text, not a PDF")},
        follow=True,
    )
    page = response.content.decode()
    assert (
        ja("Only PDF, PNG and JPEG files are accepted; this file's content is none of them.")
        in page
    )
    assert not StoredFile.objects.exists()
    assert not list(media.rglob("*.*"))


def test_oversize_evidence_is_refused(client, answered, media, staff, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(staff)
    response = client.post(
        reverse("assessments:evidence", args=[answered.pk, "CON-02"]),
        {"file": pdf_upload("big.pdf", PDF_BYTES + b"0" * 2048)},
        follow=True,
    )
    page = response.content.decode()
    assert "CON-02: " in page
    with translation.override("ja"):
        sizes = {"size": f"{len(PDF_BYTES) + 2048:,}", "limit": "1,024"}
        sizes["readable"] = filesizeformat(1024)
    message = "The file is %(size)s bytes; the largest accepted is %(limit)s bytes (%(readable)s)."
    assert ja(message, **sizes) in page
    assert not StoredFile.objects.exists()


def test_missing_evidence_file_is_refused(client, answered, media, staff):
    client.force_login(staff)
    response = client.post(
        reverse("assessments:evidence", args=[answered.pk, "CON-02"]), {}, follow=True
    )
    assert response.status_code == 200
    assert "CON-02: " in response.content.decode()
    assert not StoredFile.objects.exists()


# --- Query counts -------------------------------------------------------------------------

SECTION_QUERIES = 17
LIST_QUERIES = 11


def fill_with_evidence(assessment, staff, media, codes):
    frank = make_user("frank", roles.PROCUREMENT, last_name="担当", first_name="フランク")
    assessment.vendor.assigned_staff.add(frank)
    for n, code in enumerate(codes):
        item = assessment.version.items.get(code=code)
        user = staff if n % 2 else frank  # answers saved by different people
        value = {"yes_no": "yes", "number": 24, "text": "記述"}.get(
            item.answer_type, item.choices[0]["value"] if item.choices else "x"
        )
        answer = services.save_answer(assessment, item, value=value, user=user)
        for k in range(2):
            answer.evidence.add(store_upload(pdf_upload(f"{code}-{k}.pdf"), folder="t", user=user))


@pytest.mark.parametrize("code", ["OPE", "INC"])
def test_section_page_query_count_does_not_grow_with_items_or_evidence(
    client, django_assert_num_queries, assessment, version, staff, media, code
):
    codes = list(version.items.filter(section__code=code).values_list("code", flat=True))
    assert len(codes) == {"OPE": 8, "INC": 11}[code]
    fill_with_evidence(assessment, staff, media, codes)
    client.force_login(staff)
    url = section_url(assessment, code)
    client.get(url)
    with django_assert_num_queries(SECTION_QUERIES):
        response = client.get(url)
    downloads = re.findall(rf'href="/assessments/{assessment.pk}/evidence/\d+/"', response.text)
    assert len(downloads) == 2 * len(codes)


@pytest.mark.parametrize("count", [3, 30])
def test_assessment_list_query_count_does_not_grow(
    client, django_assert_num_queries, version, staff, manager, count
):
    for n in range(count):
        vendor = Vendor.objects.create(name=f"委託先{n:02d}", owner=staff)
        services.start_assessment(vendor, user=staff, reviewer=manager if n % 2 else None)
    client.force_login(manager)
    url = reverse("assessments:index")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == min(count, 25)


def test_invalid_value_keeps_the_revision_the_page_showed(client, answered, staff):
    client.force_login(staff)
    page = client.post(
        answer_url(answered, "CON-01"), {"value": "maybe", "revision": "1"}
    ).content.decode()
    form = page[page.index(f'action="{answer_url(answered, "CON-01")}"') :]
    assert re.search(r'name="revision" value="1"', form[:2000])
    # A post without a revision (an old page) gets the stored one back, not "None".
    page = client.post(answer_url(answered, "CON-01"), {"value": "maybe"}).content.decode()
    form = page[page.index(f'action="{answer_url(answered, "CON-01")}"') :]
    assert re.search(r'name="revision" value="1"', form[:2000])
    assert answered.answers.get(item__code="CON-01").value == "yes"


def test_an_action_at_the_wrong_moment_explains_itself(client, assessment, staff, manager):
    """Submitting a draft, or approving twice from a stale page, is the right person at
    the wrong moment: a message saying why, not a 403, and nothing changes."""
    client.force_login(staff)
    response = client.post(action_url(assessment, "submit"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("ja"):
        label, status = gettext("Submit for review"), gettext("Draft")
    assert (
        ja(
            "“%(action)s” is not possible while the assessment is “%(status)s”.",
            action=label,
            status=status,
        )
        in page
    )
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT

    client.force_login(manager)
    response = client.post(action_url(assessment, "approve"), follow=True)
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT
    # A role that may never take the action is still refused outright.
    client.force_login(staff)
    assert client.post(action_url(assessment, "approve")).status_code == 403
