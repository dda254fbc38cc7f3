"""The questionnaire workbook through the portal: the invited contact downloads the
sections of their invitation, fills them in, sees the same preview as staff (new,
changed, unchanged, conflicts; errors naming sheet and cell), and nothing is saved until
they confirm; then all of it, as answered by the contact, once."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services as assessment_services
from assessments import workbook
from assessments.models import Answer
from portal import services
from portal.models import Invitation
from tests.assessments.test_workbook import filled, typed_answers
from vendors.models import Contact, Vendor

from .conftest import open_portal, start_unanswered

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content, name="回答.xlsx"):
    return {"file": SimpleUploadedFile(name, content, content_type=XLSX)}


def download(client, language="ja") -> bytes:
    response = client.get(f"/portal/workbook/?lang={language}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    return response.content


def in_scope(assessment, codes=("CON", "INC")):
    typed, expected = typed_answers(assessment)
    items = assessment.version.items.filter(section__code__in=codes)
    scoped = set(items.values_list("code", flat=True))
    return (
        {c: v for c, v in typed.items() if c in scoped},
        {c: v for c, v in expected.items() if c in scoped},
    )


def preview(client, content):
    response = client.post("/portal/workbook/import/", upload(content))
    return response, response.context["plan"] if response.context else None


def test_the_contact_downloads_fills_previews_and_confirms_once(portal, invited, assessment):
    invitation, _token = invited
    content = download(portal)
    book = load_workbook(io.BytesIO(content))
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    assert len(visible) == 3  # the cover and the invitation's two sections, no other
    typed, expected = in_scope(assessment)
    response, plan = preview(portal, filled(content, typed, comments={"CON-01": "規程あり"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "新規" in page and "取り込む" in page
    assert plan.counts["new"] == len(typed)
    assert not Answer.objects.filter(assessment=assessment).exists()  # nothing until confirmed
    token = response.context["token"]
    response = portal.post("/portal/workbook/confirm/", {"plan": token})
    assert response.status_code == 302 and response.url == "/portal/"
    answers = {a.item.code: a for a in Answer.objects.filter(assessment=assessment)}
    assert {c: a.value for c, a in answers.items()} == expected
    assert answers["CON-01"].comment == "規程あり"
    for answer in answers.values():
        assert answer.answered_by_contact == invitation.contact and answer.updated_by is None
    revisions = {c: a.revision for c, a in answers.items()}
    assert LogEntry.objects.filter(additional_data__portal__action="workbook_imported").exists()
    # The same confirmation again (a double click, the back button): nothing written twice.
    response = portal.post("/portal/workbook/confirm/", {"plan": token}, follow=True)
    assert "すでに取り込まれています" in response.content.decode()
    again = {a.item.code: a.revision for a in Answer.objects.filter(assessment=assessment)}
    assert again == revisions


def test_errors_name_the_sheet_and_cell_in_the_contacts_language(portal, invited, assessment):
    content = download(portal)
    response, plan = preview(portal, filled(content, {"CON-01": "たぶん"}))
    assert response.status_code == 422
    (problem,) = plan.problems
    page = response.content.decode()
    assert str(problem) in page and problem.sheet in str(problem)
    assert problem.cell.startswith("F")
    assert "token" not in response.context or not response.context["token"]
    assert not Answer.objects.filter(assessment=assessment).exists()
    # English, as the contact chose in the portal.
    portal.post("/portal/language/", {"language": "en", "next": "/portal/"})
    content = download(portal, "en")
    response, plan = preview(portal, filled(content, {"CON-01": "maybe"}))
    assert response.status_code == 422
    assert f"Sheet “{plan.problems[0].sheet}”, cell F" in response.content.decode()


def test_an_english_workbook_with_marks_and_english_answers_imports(portal, invited, assessment):
    content = download(portal, "en")
    yes_no = assessment.version.items.filter(section__code="CON", answer_type="yes_no")
    first, second = list(yes_no.values_list("code", flat=True))[:2]
    response, plan = preview(portal, filled(content, {first: "Yes", second: "×"}))
    assert response.status_code == 200, [str(p) for p in plan.problems]
    portal.post("/portal/workbook/confirm/", {"plan": response.context["token"]})
    values = dict(Answer.objects.filter(assessment=assessment).values_list("item__code", "value"))
    assert values == {first: "yes", second: "no"}


def test_a_change_in_the_app_after_the_preview_saves_nothing(portal, invited, assessment, staff):
    content = download(portal)
    typed, _expected = in_scope(assessment)
    response, _plan = preview(portal, filled(content, typed))
    assessment_services.save_answer(
        assessment, assessment.version.items.get(code="INC-01"), value="no", user=staff
    )
    response = portal.post(
        "/portal/workbook/confirm/", {"plan": response.context["token"]}, follow=True
    )
    assert "INC-01" in response.content.decode()
    # Nothing half-applied: only staff's answer is there.
    assert list(
        Answer.objects.filter(assessment=assessment).values_list("item__code", flat=True)
    ) == ["INC-01"]


def test_a_conflict_is_shown_to_the_vendor_without_naming_staff(portal, invited, assessment, staff):
    content = download(portal)
    assessment_services.save_answer(
        assessment, assessment.version.items.get(code="CON-01"), value="no", user=staff
    )
    response, plan = preview(portal, filled(content, {"CON-01": "○"}))
    assert plan.counts["conflict"] == 1
    page = response.content.decode()
    assert str(staff) not in page and staff.username not in page
    # Not ticked: the app's answer stays.
    portal.post("/portal/workbook/confirm/", {"plan": response.context["token"]})
    assert Answer.objects.get(assessment=assessment, item__code="CON-01").value == "no"


def test_rows_outside_the_invitations_sections_are_refused(
    invited, assessment, staff, contact, media
):
    from django.core import mail

    colleague = Contact.objects.create(vendor=contact.vendor, name="佐藤 花子", email="s@p.example")
    _child, token = services.invite(assessment, user=staff, contact=colleague, sections=["INC"])
    client = open_portal(token, email=colleague.email)
    assert mail.outbox
    full = workbook.build_workbook(assessment, language="ja")  # staff's, every section
    response, plan = preview(client, filled(full, {"CON-01": "○", "INC-01": "○"}))
    assert response.status_code == 422
    assert any("CON-01" in str(p) for p in plan.problems)
    assert not any("INC-01" in str(p) for p in plan.problems)
    assert not Answer.objects.filter(assessment=assessment).exists()
    own = download(client)
    book = load_workbook(io.BytesIO(own))
    assert len([s for s in book.worksheets if s.sheet_state == "visible"]) == 2


def test_a_submitted_invitation_cannot_upload(portal, invited, assessment):
    content = download(portal)
    Invitation.objects.filter(pk=invited[0].pk).update(submitted_at=timezone.now())
    response, plan = preview(portal, filled(content, {"CON-01": "○"}))
    assert response.status_code == 422 and plan is None
    assert "提出済み" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


# --- access: valid, expired, revoked and another vendor's link ---


@pytest.fixture
def other_vendor_portal(staff, checklist, manager, media):
    vendor = Vendor.objects.create(name="株式会社ほか", owner=staff)
    contact = Contact.objects.create(vendor=vendor, name="田中 一郎", email="tanaka@hoka.example")
    assessment = start_unanswered(vendor, staff, manager)
    _invitation, token = services.invite(assessment, user=staff, contact=contact)
    return open_portal(token, email=contact.email), assessment


def _close(invitation, how):
    now = timezone.now()
    if how == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=now - timedelta(days=3), expires_at=now - timedelta(days=1)
        )
    elif how == "revoked":
        services.revoke(invitation)


@pytest.mark.parametrize("link", ["valid", "expired", "revoked"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/portal/workbook/"),
        ("get", "/portal/workbook/import/"),
        ("post", "/portal/workbook/import/"),
        ("post", "/portal/workbook/confirm/"),
    ],
)
def test_the_workbook_pages_by_link_state(portal, invited, assessment, link, method, path):
    content = download(portal)
    response, _plan = preview(portal, filled(content, {"CON-01": "○"}))
    token = response.context["token"]
    _close(invited[0], link)
    data = {}
    if path.endswith("import/") and method == "post":
        data = upload(filled(content, {"CON-01": "○"}))
    elif path.endswith("confirm/"):
        data = {"plan": token}
    response = getattr(portal, method)(path, data)
    expected = {
        "valid": {"get": 200, "post": 302 if path.endswith("confirm/") else 200},
        "expired": {"get": 410, "post": 410},
        "revoked": {"get": 410, "post": 410},
    }[link][method]
    assert response.status_code == expected
    written = Answer.objects.filter(assessment=assessment).exists()
    assert written == (link == "valid" and path.endswith("confirm/"))


def test_another_vendors_session_cannot_confirm_this_preview(
    portal, invited, assessment, other_vendor_portal
):
    other, other_assessment = other_vendor_portal
    content = download(portal)
    response, _plan = preview(portal, filled(content, {"CON-01": "○"}))
    token = response.context["token"]
    response = other.post("/portal/workbook/confirm/", {"plan": token}, follow=True)
    assert response.status_code == 200
    assert "確定できません" in response.content.decode()
    assert not Answer.objects.filter(assessment__in=[assessment, other_assessment]).exists()
    # Their own download is their own questionnaire.
    theirs = load_workbook(io.BytesIO(download(other)))
    meta = {r[0]: r[1] for r in theirs[workbook.META_SHEET].iter_rows(max_row=6, values_only=True)}
    assert meta["assessment"] == other_assessment.pk


def test_without_a_session_or_with_a_staff_login_the_pages_are_closed(client, staff):
    assert client.get("/portal/workbook/").status_code == 403
    client.force_login(staff)
    assert client.get("/portal/workbook/import/").status_code == 403
    assert client.post("/portal/workbook/confirm/", {"plan": "x"}).status_code == 403
