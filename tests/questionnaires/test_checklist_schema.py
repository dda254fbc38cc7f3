"""The checklist document and its YAML edge: the shipped default checklist and the import
validation.

No database needed. Works under pytest-django (project settings) and with
``-p no:django`` (minimal settings configured here).
"""

import os

from django.conf import settings
from django.utils import translation

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)

import pytest  # noqa: E402

from questionnaires.checklist_schema import (  # noqa: E402
    ANSWER_TYPES,
    RISK_AREAS,
    ChecklistImportError,
    ImportProblem,
    doc_from_dict,
    doc_to_dict,
)
from questionnaires.checklist_yaml import (  # noqa: E402
    dump_checklist,
    load_default_checklist,
    parse_checklist,
)

# --------------------------------------------------------------------------- default file


@pytest.fixture(scope="module")
def default():
    return load_default_checklist()


def all_items(doc):
    return [item for section in doc.sections for item in section.items]


def test_default_checklist_parses(default):
    assert default.version_label == "2026.1"
    assert default.name["ja"] and default.name["en"]
    assert 9 <= len(default.sections) <= 11


def test_default_item_count_is_between_80_and_110(default):
    assert 80 <= len(all_items(default)) <= 110


def test_every_default_item_maps_to_iso27001(default):
    for item in all_items(default):
        assert item.iso27001, item.code


def test_every_risk_area_is_used(default):
    assert {section.risk_area for section in default.sections} == set(RISK_AREAS)


def test_default_uses_every_answer_type(default):
    # IPA's four-level scale belongs to the shipped IPA quick check, not the default.
    assert {item.type for item in all_items(default)} == set(ANSWER_TYPES) - {"ipa_scale"}


def test_breach_notification_hours_item(default):
    items = [i for i in all_items(default) if i.type == "number" and "時間" in i.question["ja"]]
    assert len(items) == 1
    hours = items[0]
    assert hours.critical
    assert hours.thresholds.lower_is_better
    assert hours.thresholds.full == 24
    assert hours.thresholds.partial == 72
    assert hours.thresholds.unit == {"ja": "時間", "en": "hours"}
    assert "Art. 26" in hours.appi


def test_default_critical_items_cover_nda_and_reporting_duty(default):
    critical = {item.code for item in all_items(default) if item.critical}
    assert {"CON-01", "CON-02", "INC-01"} <= critical


def test_default_subcontracting_items_are_conditional(default):
    sub = next(s for s in default.sections if s.risk_area == "subcontracting")
    first, *rest = sub.items
    assert first.type == "yes_no" and first.condition is None
    assert rest
    for item in rest:
        assert item.condition.item == first.code
        assert item.condition.values == ("yes",)


def test_default_choice_items_have_scores(default):
    types = {item.type for item in all_items(default) if item.choices}
    assert types == {"single_choice", "multi_choice"}


def test_dump_round_trip_is_exact(default):
    text = dump_checklist(default)
    again = parse_checklist(text)
    assert again == default
    assert dump_checklist(again) == text


def test_dict_round_trip(default):
    assert doc_from_dict(doc_to_dict(default)) == default


# --------------------------------------------------------------------------- malformed input


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are translatable; assert on the English source text."""
    with translation.override("en"):
        yield


BASE = """\
checklist:
  name: {ja: テスト, en: Test}
  version_label: "1"
sections:
  - code: AAA
    risk_area: contract
    weight: 1
    title: {ja: 契約, en: Contract}
    items:
      - code: AAA-01
        type: yes_no
        weight: 1
        question:
          ja: 再委託はありますか
          en: Any subcontracting?
        recommendation: {ja: 推奨1, en: Advice 1}
        iso27001: ["5.19"]
      - code: AAA-02
        type: single_choice
        weight: 2
        question: {ja: 頻度, en: Frequency}
        recommendation: {ja: 推奨2, en: Advice 2}
        iso27001: ["5.18"]
        choices:
          - {value: often, label: {ja: 頻繁, en: Often}, score: 1}
          - {value: never, label: {ja: なし, en: Never}, score: 0}
      - code: AAA-03
        type: number
        weight: 3
        critical: true
        question: {ja: 何時間, en: How many hours}
        recommendation: {ja: 推奨3, en: Advice 3}
        iso27001: ["5.24"]
        thresholds: {full: 24, partial: 72, lower_is_better: true, unit: {ja: 時間, en: hours}}
      - code: AAA-04
        type: yes_no
        weight: 1
        question: {ja: 承諾, en: Consent}
        recommendation: {ja: 推奨4, en: Advice 4}
        iso27001: ["5.20"]
        condition: {item: AAA-01, values: [yes]}
  - code: BBB
    risk_area: training
    weight: 2
    title: {ja: 教育, en: Training}
    items:
      - code: BBB-01
        type: text
        weight: 0
        question: {ja: 説明, en: Describe}
        iso27001: ["6.3"]
"""


def mutate(old, new, text=BASE):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text, needle, occurrence=1, whole=False):
    """1-based number of the line containing (or, with whole, equal to) needle."""
    lines = enumerate(text.splitlines(), start=1)
    found = [n for n, line in lines if (line == needle if whole else needle in line)]
    assert len(found) >= occurrence, needle
    return found[occurrence - 1]


def problems(text):
    with pytest.raises(ChecklistImportError) as info:
        parse_checklist(text)
    assert info.value.errors
    return info.value.errors


def assert_problem(text, line, *fragments):
    errors = problems(text)
    for problem in errors:
        if problem.line == line and all(f.lower() in problem.message.lower() for f in fragments):
            return problem
    pytest.fail(f"no problem on line {line} with {fragments}; got: {errors}")


def test_base_fixture_is_valid():
    doc = parse_checklist(BASE)
    assert [item.code for item in all_items(doc)] == [
        "AAA-01",
        "AAA-02",
        "AAA-03",
        "AAA-04",
        "BBB-01",
    ]
    assert all_items(doc)[3].condition.values == ("yes",)


def test_invalid_yaml_syntax_names_the_line():
    text = mutate("question: {ja: 承諾, en: Consent}", "question: ja: 承諾: en")
    assert_problem(text, line_of(text, "ja: 承諾: en"), "yaml syntax")


def test_error_string_lists_lines():
    text = mutate("type: number", "type: numeric")
    error = ChecklistImportError(problems(text))
    assert f"line {line_of(text, 'type: numeric')}: " in str(error)
    assert str(ImportProblem(None, "x")) == "x"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("- just\n- a list\n", "mapping"),
        ("checklist: {name: {ja: a, en: b}, version_label: '1'}\n", '"sections"'),
        ("", "empty"),
    ],
)
def test_wrong_top_level_structure(text, fragment):
    errors = problems(text)
    assert any(fragment.lower() in p.message.lower() for p in errors), errors
    if text:
        assert errors[0].line == 1


def test_sections_must_be_a_list():
    text = BASE.split("sections:")[0] + "sections: nope\n"
    assert_problem(text, line_of(text, "sections: nope"), '"sections"')


def test_unknown_answer_type():
    text = mutate("type: number", "type: numeric")
    assert_problem(text, line_of(text, "type: numeric"), "unknown answer type", "numeric")


def test_duplicate_section_code():
    text = mutate("  - code: BBB\n", "  - code: AAA\n")
    assert_problem(text, line_of(text, "  - code: AAA", 2, whole=True), "duplicate section code")


def test_duplicate_item_code():
    text = mutate("- code: AAA-04", "- code: AAA-02")
    assert_problem(text, line_of(text, "- code: AAA-02", 2), "duplicate item code", "AAA-02")


def test_duplicate_choice_value():
    text = mutate("{value: never,", "{value: often,")
    assert_problem(text, line_of(text, "{value: often,", 2), "duplicate choice value", "often")


def test_condition_refers_to_missing_item():
    text = mutate("{item: AAA-01, values", "{item: ZZZ-01, values")
    assert_problem(text, line_of(text, "item: ZZZ-01"), "ZZZ-01", "does not exist")


def test_condition_refers_to_later_item():
    text = mutate(
        '        iso27001: ["5.19"]\n',
        '        iso27001: ["5.19"]\n        condition: {item: AAA-02, values: [often]}\n',
    )
    assert_problem(text, line_of(text, "item: AAA-02"), "AAA-02", "earlier item")


def test_condition_refers_to_itself():
    text = mutate("{item: AAA-01, values", "{item: AAA-04, values")
    assert_problem(text, line_of(text, "item: AAA-04,"), "earlier item")


def test_condition_value_invalid_for_yes_no_target():
    text = mutate("values: [yes]}", "values: [maybe]}")
    assert_problem(text, line_of(text, "values: [maybe]"), "maybe", "not a possible answer")


def test_condition_na_needs_allow_na_on_target():
    text = mutate("values: [yes]}", "values: [na]}")
    assert_problem(text, line_of(text, "values: [na]"), "not a possible answer")
    allowed = mutate(
        "        type: yes_no\n        weight: 1\n        question:\n",
        "        type: yes_no\n        weight: 1\n        allow_na: true\n        question:\n",
        text,
    )
    parse_checklist(allowed)


def test_condition_value_invalid_for_choice_target():
    text = mutate(
        "condition: {item: AAA-01, values: [yes]}",
        "condition:\n          item: AAA-02\n          values:\n            - often\n            - rarely",
    )
    assert_problem(text, line_of(text, "- rarely"), "rarely", "not a possible answer")


def test_condition_on_number_item_is_rejected():
    text = mutate("{item: AAA-01, values: [yes]}", "{item: AAA-03, values: ['1']}")
    assert_problem(text, line_of(text, "item: AAA-03"), "number")


def test_missing_english_text():
    text = mutate("          en: Any subcontracting?\n", "")
    assert_problem(text, line_of(text, "question:"), "english", "missing")


def test_empty_japanese_text():
    text = mutate("ja: 再委託はありますか", 'ja: ""')
    assert_problem(text, line_of(text, 'ja: ""'), "japanese", "empty")


def test_missing_language_in_choice_label():
    text = mutate("label: {ja: なし, en: Never}", "label: {ja: なし}")
    assert_problem(text, line_of(text, "label: {ja: なし}"), "english", "missing")


def test_text_must_have_both_languages():
    text = mutate("title: {ja: 教育, en: Training}", "title: Training")
    assert_problem(text, line_of(text, "title: Training"), "japanese", "english")


def test_weight_not_a_number():
    text = mutate("    weight: 2\n    title", "    weight: heavy\n    title")
    assert_problem(text, line_of(text, "weight: heavy"), "weight", "number")


def test_negative_item_weight():
    text = mutate("weight: 3\n", "weight: -3\n")
    assert_problem(text, line_of(text, "weight: -3"), "weight", "negative")


def test_zero_section_weight():
    text = mutate("    weight: 2\n    title", "    weight: 0\n    title")
    assert_problem(text, line_of(text, "    weight: 0"), "weight", "greater than 0")


def test_text_item_must_have_zero_weight():
    text = mutate("        weight: 0\n", "        weight: 2\n")
    assert_problem(text, line_of(text, "        weight: 2", 2), "text items")


def test_choices_on_non_choice_type():
    text = mutate("        type: single_choice\n", "        type: yes_no\n")
    assert_problem(text, line_of(text, "choices:"), "choices", "yes_no")


def test_choices_missing_on_choice_type():
    text = mutate(
        "        type: yes_no\n        weight: 1\n        question: {",
        "        type: multi_choice\n        weight: 1\n        question: {",
    )
    assert_problem(text, line_of(text, "- code: AAA-04"), "choices")


def test_choice_score_out_of_range():
    text = mutate("en: Often}, score: 1}", "en: Often}, score: 1.5}")
    assert_problem(text, line_of(text, "score: 1.5"), "score")


def test_thresholds_missing_for_number():
    text = mutate(
        "        thresholds: {full: 24, partial: 72, lower_is_better: true, unit: {ja: 時間, en: hours}}\n",
        "",
    )
    assert_problem(text, line_of(text, "- code: AAA-03"), "thresholds")


def test_thresholds_inconsistent():
    text = mutate("partial: 72, lower_is_better: true", "partial: 12, lower_is_better: true")
    assert_problem(text, line_of(text, "partial: 12"), "partial threshold")


def test_thresholds_missing_key_and_bad_number():
    text = mutate(
        "{full: 24, partial: 72, lower_is_better: true,", "{full: soon, lower_is_better: true,"
    )
    line = line_of(text, "full: soon")
    assert_problem(text, line, "partial", "missing")
    assert_problem(text, line, "full", "number")


def test_thresholds_on_non_number_type():
    text = mutate("        type: number\n", "        type: yes_no\n")
    assert_problem(text, line_of(text, "thresholds:"), "thresholds", "yes_no")


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("  - code: BBB\n", "  - code: bbb\n", "bbb"),
        ("  - code: BBB\n", "  - code: B\n", '"B"'),
        ("- code: AAA-03\n", "- code: AAA-3\n", "AAA-3"),
        ("- code: AAA-03\n", "- code: AAA_03\n", "AAA_03"),
        ("{value: never,", "{value: Never,", "Never"),
    ],
)
def test_bad_code_format(old, new, fragment):
    text = mutate(old, new)
    assert_problem(text, line_of(text, new.strip()), fragment, "not valid")


@pytest.mark.parametrize(
    "old, new, needle",
    [
        ('  version_label: "1"\n', '  version_label: "1"\n  author: me\n', "author: me"),
        ("    risk_area: training\n", "    risk_area: training\n    colour: red\n", "colour: red"),
        (
            "        critical: true\n",
            "        critical: true\n        severity: high\n",
            "severity",
        ),
        ("{ja: 教育, en: Training}", "{ja: 教育, en: Training, fr: Formation}", "fr: Formation"),
    ],
)
def test_unknown_keys(old, new, needle):
    text = mutate(old, new)
    assert_problem(text, line_of(text, needle), "unknown key")


def test_unknown_risk_area():
    text = mutate("risk_area: training", "risk_area: hr")
    assert_problem(text, line_of(text, "risk_area: hr"), "risk area", "hr")


def test_missing_required_key():
    text = mutate("        question: {ja: 説明, en: Describe}\n", "")
    assert_problem(text, line_of(text, "- code: BBB-01"), "question", "missing")


def test_iso27001_refs_are_required_and_valid():
    text = mutate('iso27001: ["6.3"]', "iso27001: []")
    assert_problem(text, line_of(text, "iso27001: []"), "iso27001")
    text = mutate('iso27001: ["6.3"]', 'iso27001: ["6.9", "A.8"]')
    line = line_of(text, '"6.9"')
    assert_problem(text, line, "6.9", "Annex A")
    assert_problem(text, line, "A.8", "Annex A")


def test_boolean_flags_must_be_booleans():
    text = mutate("critical: true", "critical: maybe")
    assert_problem(text, line_of(text, "critical: maybe"), "critical", "true or false")


def test_all_problems_are_collected():
    text = mutate("type: number", "type: numeric")
    text = mutate("  - code: BBB\n", "  - code: AAA\n", text)
    text = mutate("ja: 推奨1", 'ja: ""', text)
    lines = {p.line for p in problems(text)}
    assert {
        line_of(text, "type: numeric"),
        line_of(text, "  - code: AAA", 2, whole=True),
        line_of(text, 'ja: ""'),
    } <= lines
