"""IPA's four-level scale in the pure scoring engine (no database): done 4, partly 2,
not done 0, don't know -1; "don't know" counts 0 in the 0-100 score, and IPA's own total
is kept beside it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    IPA_POINTS,
    Condition,
    ItemSpec,
    SectionSpec,
    ipa_band,
    ipa_points,
    ipa_total,
    item_value,
    score,
)

PROPERTY = settings(max_examples=150, deadline=None)
ONE = (SectionSpec("S"),)
LEVELS = ("done", "partly", "not_done", "unknown")


def ipa(code, weight=1.0, **extra):
    return ItemSpec(code, "S", "ipa_scale", weight, **extra)


@pytest.mark.parametrize(
    ("answer", "points", "value"),
    [
        ("done", 4, 1.0),
        ("partly", 2, 0.5),
        ("not_done", 0, 0.0),
        ("unknown", -1, 0.0),
        ("yes", None, 0.0),
        ("na", None, 0.0),
        (None, None, 0.0),
        (4, None, 0.0),
    ],
)
def test_each_level_has_ipas_points_and_a_value_from_0_to_1(answer, points, value):
    assert ipa_points(answer) == points
    assert item_value(ipa("Q"), answer) == value


def test_dont_know_counts_zero_in_the_score_but_minus_one_in_ipas_total():
    items = [ipa("A"), ipa("B")]
    result = score(ONE, items, {"A": "done", "B": "unknown"})
    assert result.overall == 50.0  # (1 + 0) / 2
    assert result.ipa.points == 3  # 4 - 1
    assert result.ipa.maximum == 8
    assert result.ipa.unknown == 1


def test_twenty_five_items_all_done_make_ipas_100_points():
    items = [ipa(f"Q{n:02d}") for n in range(25)]
    result = score(ONE, items, {item.code: "done" for item in items})
    assert (result.ipa.points, result.ipa.maximum, result.overall) == (100, 100, 100.0)
    assert ipa_band(result.ipa) == "complete"


@pytest.mark.parametrize(
    ("done", "partly", "unknown", "band"),
    [
        (25, 0, 0, "complete"),
        (24, 1, 0, "mostly"),  # 98
        (20, 0, 0, "mostly"),  # 80 + 0
        (17, 1, 0, "mostly"),  # 70: the edge
        (17, 0, 1, "gaps"),  # 68 - 1
        (12, 1, 0, "gaps"),  # 50: the edge
        (12, 0, 1, "weak"),  # 49
        (0, 0, 25, "weak"),  # -25
    ],
)
def test_ipas_bands_at_their_edges(done, partly, unknown, band):
    items = [ipa(f"Q{n:02d}") for n in range(25)]
    levels = ["done"] * done + ["partly"] * partly + ["unknown"] * unknown
    levels += ["not_done"] * (25 - len(levels))
    total = ipa_total(items, dict(zip((i.code for i in items), levels, strict=True)))
    assert ipa_band(total) == band


def test_no_band_until_every_item_is_answered():
    items = [ipa("A"), ipa("B")]
    total = ipa_total(items, {"A": "done"})
    assert (total.answered, total.items) == (1, 2)
    assert ipa_band(total) is None


def test_a_checklist_without_ipa_items_has_no_ipa_total():
    result = score(ONE, [ItemSpec("Y", "S", "yes_no")], {"Y": "yes"})
    assert result.ipa is None


def test_hidden_ipa_items_count_for_nothing():
    items = [ipa("A"), ipa("B", condition=Condition("A", ("done",)))]
    total = ipa_total(items, {"A": "not_done", "B": "unknown"})
    assert (total.points, total.maximum, total.items) == (0, 4, 1)


def test_an_ipa_item_can_control_a_condition():
    items = [ipa("A"), ipa("B", condition=Condition("A", ("unknown",)))]
    assert score(ONE, items, {"A": "unknown"}).ipa.items == 2


def test_dont_know_is_a_finding_and_a_knockout_on_a_critical_item():
    result = score(ONE, [ipa("A", critical=True)], {"A": "unknown"})
    assert [f.item_code for f in result.findings] == ["A"]
    assert [k.reason for k in result.knockouts] == ["critical_item_failed"]


answers = st.lists(st.sampled_from((*LEVELS, None)), min_size=1, max_size=30)


@PROPERTY
@given(answers)
def test_ipa_total_is_the_sum_of_ipas_points_and_stays_in_its_range(levels):
    items = [ipa(f"Q{n:02d}") for n in range(len(levels))]
    given_answers = {i.code: a for i, a in zip(items, levels, strict=True) if a is not None}
    total = ipa_total(items, given_answers)
    assert total.points == sum(IPA_POINTS[a] for a in given_answers.values())
    assert -total.items <= total.points <= total.maximum == 4 * len(items)
    assert total.unknown == sum(1 for a in given_answers.values() if a == "unknown")


@PROPERTY
@given(answers)
def test_the_0_to_100_score_is_ipas_total_with_dont_know_as_zero(levels):
    items = [ipa(f"Q{n:02d}") for n in range(len(levels))]
    given_answers = {i.code: a for i, a in zip(items, levels, strict=True) if a is not None}
    result = score(ONE, items, given_answers)
    floor = sum(max(IPA_POINTS[a], 0) for a in given_answers.values())
    assert result.overall == pytest.approx(100 * floor / (4 * len(items)), abs=0.05 + 1e-9)
    assert 0 <= result.overall <= 100


@PROPERTY
@given(answers, st.integers(0, 29), st.sampled_from(LEVELS))
def test_a_better_level_never_lowers_either_total(levels, index, level):
    index %= len(levels)
    items = [ipa(f"Q{n:02d}") for n in range(len(levels))]
    before = {i.code: a for i, a in zip(items, levels, strict=True) if a is not None}
    current = before.get(items[index].code)
    ladder = ["unknown", "not_done", "partly", "done"]
    if current is not None and ladder.index(level) < ladder.index(current):
        level = current
    after = {**before, items[index].code: level}
    first, second = score(ONE, items, before), score(ONE, items, after)
    assert second.overall >= first.overall
    if current is not None:
        assert second.ipa.points >= first.ipa.points
