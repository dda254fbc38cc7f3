"""YAML anchors and aliases are refused in imported checklists (a short document that
repeats sections by alias made the importer walk every copy), and an import lists at
most MAX_LISTED_PROBLEMS problems, then how many more."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from questionnaires.checklist_schema import MAX_LISTED_PROBLEMS, ChecklistImportError
from questionnaires.checklist_yaml import parse_checklist


def amplified(copies: int = 60) -> str:
    """An item and a section repeated by alias: ~3.5 KB that expands to thousands."""
    lines = [
        "checklist:",
        "  name: {ja: 増幅, en: Amplified}",
        "sections:",
        "  - &section",
        "    code: AA",
        "    risk_area: nowhere",
        "    weight: -1",
        "    title: {ja: 節}",
        "    items:",
        "      - &item {code: bad, type: nothing, weight: -1, question: {ja: 問}}",
    ]
    lines += ["      - *item"] * copies
    lines += ["  - *section"] * copies
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_aliases_are_refused_with_the_line():
    text = amplified()
    assert len(text.encode()) < 4000
    started = time.monotonic()
    with pytest.raises(ChecklistImportError) as refused:
        parse_checklist(text)
    assert time.monotonic() - started < 0.5
    [problem] = refused.value.errors
    assert problem.line == 4  # the first anchor
    assert "Anchors and aliases" in problem.message


def test_an_anchor_alone_is_refused_too():
    with pytest.raises(ChecklistImportError) as refused:
        parse_checklist("checklist: &c {name: {ja: a, en: b}}\nsections: []\n")
    assert "Anchors and aliases" in str(refused.value)


def many_problems(count: int) -> str:
    items = "\n".join(
        f"      - {{code: bad{n}, type: nothing, weight: -1, question: {{ja: 問}}}}"
        for n in range(count)
    )
    return (
        "checklist:\n  name: {ja: 多い, en: Many}\nsections:\n"
        "  - code: AA\n    risk_area: contract\n    weight: 1\n"
        "    title: {ja: 節, en: Section}\n    items:\n" + items + "\n"
    )


def test_the_list_of_problems_is_capped_with_a_count():
    with pytest.raises(ChecklistImportError) as refused:
        parse_checklist(many_problems(200))
    problems = refused.value.errors
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    assert problems[-1].line is None
    assert "more problems" in problems[-1].message


@pytest.mark.parametrize(
    ("language", "message"), [("ja", "アンカーとエイリアス"), ("en", "Anchors and aliases")]
)
def test_the_import_page_refuses_aliases_quickly_and_briefly(client, admin_user, language, message):
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    started = time.monotonic()
    response = client.post(reverse("questionnaires:checklist_import"), {"text": amplified()})
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert len(page) < 100_000


def test_the_import_page_lists_the_first_problems_and_a_count(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("questionnaires:checklist_import"), {"text": many_problems(400)})
    page = response.content.decode()
    with translation.override("en"):
        assert "more problems" in page
    assert page.count("<li>") <= MAX_LISTED_PROBLEMS + 1 + 40  # the nav has its own items
