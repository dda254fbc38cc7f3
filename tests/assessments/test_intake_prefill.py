"""Scope answers taken from the vendor intake when an assessment starts: marked as
from the intake, editable, and showing or hiding the conditional controls."""

import pytest

from assessments.evaluation import evaluate
from assessments.intake import intake_answers
from assessments.services import save_answer, start_assessment
from vendors.models import Vendor

SCOPE_TYPES = {"SCO-01": "yes_no", "SCO-02": "yes_no", "SCO-03": "yes_no", "SCO-04": "yes_no"}
INTAKE = {
    "telework": True,
    "payment_cards": False,
    "my_number": True,
    "call_recording": False,
    "data_location": "japan",
    "data_location_detail": "日本、AWS東京リージョン",
}


def test_boolean_intake_fields_answer_the_scope_items():
    assert intake_answers(INTAKE, SCOPE_TYPES) == {
        "SCO-01": "yes",
        "SCO-02": "no",
        "SCO-03": "yes",
        "SCO-04": "no",
    }


@pytest.mark.parametrize(
    ("location", "detail", "expected"),
    [
        ("japan", "日本、AWS東京リージョン", "japan_only"),
        ("japan", "", None),  # "Japan only" counts once the region is named
        ("abroad", "シンガポール", None),  # whether the regime was checked is not known
        ("unknown", "", None),
    ],
)
def test_the_data_location_answers_ast_11_only_when_it_matches_a_choice(location, detail, expected):
    intake = {**INTAKE, "data_location": location, "data_location_detail": detail}
    answers = intake_answers(intake, {"AST-11": "single_choice"})
    assert answers.get("AST-11") == expected


def test_items_of_another_answer_type_are_left_alone():
    assert intake_answers(INTAKE, {"SCO-01": "text", "AST-11": "yes_no"}) == {}


@pytest.fixture
def version(db):
    from questionnaires.checklists import install_default_checklist

    return install_default_checklist()


def make_vendor(owner, **intake):
    return Vendor.objects.create(name="株式会社登録", owner=owner, **intake)


def test_a_new_assessment_starts_with_the_scope_answered_from_the_intake(version, staff):
    vendor = make_vendor(staff, **INTAKE)
    assessment = start_assessment(vendor, user=staff)
    answers = {a.item.code: a for a in assessment.answers.select_related("item")}
    assert {code: a.value for code, a in answers.items()} == {
        "SCO-01": "yes",
        "SCO-02": "no",
        "SCO-03": "yes",
        "SCO-04": "no",
        "AST-11": "japan_only",
    }
    assert all(a.from_intake and not a.carried_over for a in answers.values())
    assert assessment.status == assessment.Status.DRAFT  # nobody has answered yet


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("telework", {"PHY-08", "PHY-09"}),
        ("payment_cards", {"OPE-07", "OPE-08"}),
        ("my_number", {"PHY-12", "INC-11", "CON-10"}),
        ("call_recording", {"AST-08", "AST-09", "AST-10"}),
    ],
)
def test_intake_answers_show_and_hide_the_conditional_controls(version, staff, field, shown):
    off = start_assessment(make_vendor(staff), user=staff)
    on = start_assessment(make_vendor(staff, **{field: True}), user=staff)
    assert not shown & evaluate(off).visible
    assert evaluate(on).visible - evaluate(off).visible == shown


def test_an_intake_answer_can_be_changed_and_is_then_the_assessors(version, staff):
    assessment = start_assessment(make_vendor(staff, telework=True), user=staff)
    item = version.items.get(code="SCO-01")
    assert "PHY-08" in evaluate(assessment).visible
    answer = save_answer(assessment, item, value="no", user=staff)
    assert answer.from_intake is False
    assert "PHY-08" not in evaluate(assessment).visible


def test_the_intake_wins_over_a_carried_over_scope_answer(version, staff, manager):
    from tests.factories import answer_everything, approve, submit

    vendor = make_vendor(staff)
    first = start_assessment(vendor, user=staff)
    answer_everything(first, staff)  # SCO-01 "yes" with full marks
    submit(first, staff)
    approve(first, manager)
    vendor.telework = False
    vendor.save()
    again = start_assessment(vendor, user=staff)
    sco = again.answers.get(item__code="SCO-01")
    assert (sco.value, sco.from_intake, sco.carried_over) == ("no", True, False)
    con = again.answers.get(item__code="CON-01")
    assert con.carried_over and not con.from_intake


def test_the_section_page_marks_answers_from_the_intake(version, staff, client):
    assessment = start_assessment(make_vendor(staff, telework=True), user=staff)
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    from django.urls import reverse

    page = client.get(reverse("assessments:section", args=[assessment.pk, "SCO"]))
    assert page.content.decode().count('data-testid="from-intake"') == 4
    assert "From the vendor intake" in page.content.decode()
