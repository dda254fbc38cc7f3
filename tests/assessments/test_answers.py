"""Reading answers from submitted forms and showing stored ones, per answer type."""

import pytest
from django.http import QueryDict
from django.utils import translation

from assessments.answers import (
    MAX_TEXT,
    AnswerError,
    display_answer,
    parse_answer,
    parse_comment,
    yes_no_options,
)
from questionnaires.models import Item

CHOICES = [
    {"value": "daily", "label": {"ja": "毎日", "en": "Daily"}, "score": 1.0},
    {"value": "weekly", "label": {"ja": "毎週", "en": "Weekly"}, "score": 0.5},
    {"value": "never", "label": {"ja": "なし", "en": "Never"}, "score": 0.0},
]
THRESHOLDS = {
    "full": 24,
    "partial": 72,
    "lower_is_better": True,
    "unit": {"ja": "時間", "en": "hours"},
}


def item(answer_type, **extra):
    return Item(code="T-01", answer_type=answer_type, **extra)


ITEMS = {
    "yes_no": item("yes_no"),
    "yes_no_na": item("yes_no", allow_na=True),
    "single": item("single_choice", choices=CHOICES),
    "multi": item("multi_choice", choices=CHOICES),
    "number": item("number", thresholds=THRESHOLDS),
    "date": item("date"),
    "text": item("text"),
}


def post(*values):
    data = QueryDict(mutable=True)
    data.setlist("value", list(values))
    return data


ACCEPTED = [
    ("yes_no", "yes", "yes"),
    ("yes_no", "partial", "partial"),
    ("yes_no", " no ", "no"),
    ("yes_no_na", "na", "na"),
    ("single", "weekly", "weekly"),
    ("number", "24", 24),
    ("number", "２４", 24),  # full-width digits from a Japanese IME
    ("number", "1,000", 1000),
    ("number", "１，０００", 1000),
    ("number", "24.0", 24),
    ("number", "1.5", 1.5),
    ("number", "0", 0),
    ("number", "1e9", 1_000_000_000),
    ("date", "2025-04-01", "2025-04-01"),
    ("date", "２０２５－０４－０１", "2025-04-01"),
    ("text", "委託先で年1回監査を実施", "委託先で年1回監査を実施"),
    ("text", "監査\x00あり", "監査あり"),  # NUL bytes never reach PostgreSQL
    ("text", "  前後の空白  ", "前後の空白"),
    ("text", "x" * MAX_TEXT, "x" * MAX_TEXT),
]


@pytest.mark.parametrize(("kind", "raw", "expected"), ACCEPTED)
def test_it_reads_a_valid_answer(kind, raw, expected):
    value = parse_answer(ITEMS[kind], post(raw))
    assert value == expected
    assert type(value) is type(expected)


REFUSED = [
    ("yes_no", "na"),  # N/A only where the item allows it
    ("yes_no", "maybe"),
    ("yes_no_na", "YES"),
    ("single", "monthly"),
    ("single", "daily,weekly"),
    ("number", "abc"),
    ("number", "24時間"),
    ("number", "0x10"),
    ("number", "-1"),
    ("number", "-0.5"),
    ("number", "NaN"),
    ("number", "sNaN"),
    ("number", "Infinity"),
    ("number", "1e10"),
    ("number", "1000000001"),
    ("number", "9" * 400),
    ("date", "2025-02-30"),
    ("date", "2025-13-01"),
    ("date", "2025/04/01"),
    ("date", "昨日"),
    ("text", "x" * (MAX_TEXT + 1)),
]


@pytest.mark.parametrize(("kind", "raw"), REFUSED)
def test_it_refuses_an_invalid_answer(kind, raw):
    with pytest.raises(AnswerError) as error:
        parse_answer(ITEMS[kind], post(raw))
    assert str(error.value)  # a message for the user, not an empty error


@pytest.mark.parametrize("kind", [k for k in ITEMS if k != "multi"])
@pytest.mark.parametrize("raw", ["", "   ", "\x00", "\u3000"])
def test_an_empty_answer_clears_it(kind, raw):
    assert parse_answer(ITEMS[kind], post(raw)) is None


def test_a_missing_value_clears_the_answer():
    for answer_item in ITEMS.values():
        assert parse_answer(answer_item, QueryDict()) is None


def test_over_long_text_says_how_long_it_is():
    with pytest.raises(AnswerError) as error:
        parse_answer(ITEMS["text"], post("x" * (MAX_TEXT + 7)))
    assert str(MAX_TEXT + 7) in str(error.value)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["weekly"], ["weekly"]),
        (["never", "daily"], ["daily", "never"]),  # in the order the options are shown
        (["daily", "daily", "weekly"], ["daily", "weekly"]),
        ([], None),
    ],
)
def test_multi_choice_keeps_known_values_in_option_order(values, expected):
    assert parse_answer(ITEMS["multi"], post(*values)) == expected


@pytest.mark.parametrize("values", [["monthly"], ["daily", "monthly"], ["daily\x00"], [""]])
def test_multi_choice_refuses_unknown_values(values):
    with pytest.raises(AnswerError):
        parse_answer(ITEMS["multi"], post(*values))


def test_na_is_offered_only_where_allowed():
    assert [k for k, _label in yes_no_options(ITEMS["yes_no"])] == ["yes", "partial", "no"]
    assert [k for k, _label in yes_no_options(ITEMS["yes_no_na"])] == [
        "yes",
        "partial",
        "no",
        "na",
    ]


def test_comment_is_stripped_of_nul_bytes_and_limited():
    assert parse_comment(QueryDict("comment=%20%E7%A2%BA%E8%AA%8D%00%E6%B8%88%20")) == "確認済"
    with pytest.raises(AnswerError):
        parse_comment({"comment": "x" * (MAX_TEXT + 1)})


DISPLAYED = [
    ("yes_no", None, "—", "—"),
    ("text", "", "—", "—"),
    ("multi", [], "—", "—"),
    ("yes_no", "yes", "Yes", "Yes"),
    ("yes_no_na", "na", "Not applicable", "Not applicable"),
    ("single", "weekly", "毎週", "Weekly"),
    ("single", "removed", "removed", "removed"),  # an option since dropped
    ("multi", ["daily", "never"], "毎日、なし", "Daily、Never"),
    ("number", 24, "24 時間", "24 hours"),
    ("number", 1.5, "1.5 時間", "1.5 hours"),
    ("date", "2025-04-01", "2025-04-01", "2025-04-01"),
    ("text", "年1回", "年1回", "年1回"),
]


@pytest.mark.parametrize(("kind", "value", "ja", "en"), DISPLAYED)
def test_display_answer_in_both_languages(kind, value, ja, en):
    with translation.override("ja"):
        shown_ja = display_answer(ITEMS[kind], value)
    with translation.override("en"):
        shown_en = display_answer(ITEMS[kind], value)
    if kind.startswith("yes_no") and value:
        # The yes/no labels go through the catalog; in English they are the msgids.
        assert shown_en == en
        with translation.override("ja"):
            assert shown_ja == str(dict(yes_no_options(ITEMS[kind]))[value])
    else:
        assert (shown_ja, shown_en) == (ja, en)


def test_number_without_unit_shows_just_the_number():
    assert display_answer(item("number"), 7) == "7"
