"""The IPA quick check answered on IPA's four levels: the answer buttons, IPA's own
total on the assessment page beside the 0-100 score, and the workbook."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import workbook
from assessments.answers import parse_answer
from assessments.evaluation import evaluate
from assessments.services import save_answer, start_assessment
from questionnaires.checklist_yaml import DEFAULT_CHECKLIST_PATH, parse_checklist
from questionnaires.checklists import install_default_checklist
from questionnaires.models import Checklist
from vendors.models import Vendor


def test_the_shipped_ipa_set_uses_the_ipa_scale():
    doc = parse_checklist((DEFAULT_CHECKLIST_PATH.parent / "ipa_quick_check.yaml").read_text())
    assert {item.type for item in doc.iter_items()} == {"ipa_scale"}
    assert not any(item.allow_na for item in doc.iter_items())


@pytest.fixture
def ipa_assessment(db, staff):
    install_default_checklist()
    call_command("load_checklist", bundled="ipa_quick_check")
    checklist = Checklist.objects.get(name_en__startswith="Quick security check")
    vendor = Vendor.objects.create(name="株式会社小規模", owner=staff)
    return start_assessment(vendor, user=staff, checklist=checklist)


def answer(assessment, staff, values):
    items = list(assessment.version.items.order_by("section__position", "position"))
    for item, value in zip(items, values, strict=False):
        save_answer(assessment, item, value=value, user=staff)


def test_ipas_total_and_the_score_differ_only_by_dont_know(ipa_assessment, staff):
    # 20 done, 3 partly, 1 not done, 1 don't know: IPA 80 + 6 + 0 - 1 = 85 points.
    answer(ipa_assessment, staff, ["done"] * 20 + ["partly"] * 3 + ["not_done", "unknown"])
    result = evaluate(ipa_assessment).result
    assert (result.ipa.points, result.ipa.maximum, result.ipa.unknown) == (85, 100, 1)
    # Sections weigh as many questions as they hold, so every question counts the same.
    assert result.overall == 86.0  # (20 + 1.5) / 25, "don't know" as 0


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_assessment_page_shows_ipas_total_for_the_ipa_set(
    ipa_assessment, staff, client, language
):
    answer(ipa_assessment, staff, ["done"] * 24 + ["unknown"])
    client.force_login(staff)
    client.cookies["django_language"] = language
    page = client.get(reverse("assessments:detail", args=[ipa_assessment.pk])).content.decode()
    assert 'data-testid="ipa-total"' in page
    assert ">95<" in page and "/ 100" in page
    label = "IPA自社診断の合計点" if language == "ja" else "IPA self-check total"
    assert label in page
    section = client.get(reverse("assessments:section", args=[ipa_assessment.pk, "IPB"]))
    assert "わからない(−1点)" in section.content.decode() if language == "ja" else True


def test_the_default_checklist_page_shows_no_ipa_total(db, staff, client):
    install_default_checklist()
    vendor = Vendor.objects.create(name="株式会社標準", owner=staff)
    assessment = start_assessment(vendor, user=staff)
    client.force_login(staff)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'data-testid="ipa-total"' not in page


class Post(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def test_only_the_four_levels_are_accepted(ipa_assessment):
    item = ipa_assessment.version.items.first()
    assert parse_answer(item, Post(value="unknown")) == "unknown"
    with pytest.raises(ValueError):
        parse_answer(item, Post(value="yes"))
    with pytest.raises(ValueError):
        parse_answer(item, Post(value="na"))


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("実施している(4点)", "done"),
        ("Partly done (2)", "partly"),
        ("実施していない", "not_done"),
        ("わからない", "unknown"),
        (4, "done"),
        (-1, "unknown"),
        ("−1", "unknown"),
    ],
)
def test_the_workbook_reads_the_four_levels_in_either_language(ipa_assessment, cell, value):
    item = ipa_assessment.version.items.first()
    assert workbook.parse_cell(item, cell) == value


def test_the_workbook_refuses_another_answer(ipa_assessment):
    item = ipa_assessment.version.items.first()
    with pytest.raises(ValueError):
        workbook.parse_cell(item, "はい")


def test_the_workbook_of_the_ipa_set_lists_the_four_levels(ipa_assessment):
    content = workbook.build_workbook(ipa_assessment, language="ja")
    assert content[:2] == b"PK"
    item = ipa_assessment.version.items.first()
    assert "わからない(−1点)" in workbook.allowed_in_words(item, "ja")
