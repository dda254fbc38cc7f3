"""The scoring engine: worked examples (expected values by hand) and properties.

Pure functions only; no database.
"""

import math
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    DEFAULT_BANDS,
    DEFAULT_RESIDUAL_MATRIX,
    KNOCKOUT_FAILED,
    KNOCKOUT_PARTIAL,
    KNOCKOUT_UNANSWERED,
    NA,
    NO,
    PARTIAL,
    RATINGS,
    YES,
    Condition,
    ItemSpec,
    SectionSpec,
    Thresholds,
    item_value,
    next_reassessment,
    rating_for,
    residual_risk,
    score,
    severity,
    validate_bands,
    validate_matrix,
    visible_codes,
)

PROPERTY = settings(max_examples=120, deadline=None)

ONE = (SectionSpec("S"),)


def yes_no(code, weight=1.0, section="S", **extra):
    return ItemSpec(code, section, "yes_no", weight, **extra)


def single(code, choices, weight=1.0, **extra):
    return ItemSpec(code, "S", "single_choice", weight, choices=choices, **extra)


def multi(code, choices, weight=1.0, **extra):
    return ItemSpec(code, "S", "multi_choice", weight, choices=choices, **extra)


HOURS = Thresholds(full=24, partial=72)  # lower is better: <=24h full, <=72h partial
BACKUPS = Thresholds(full=4, partial=2, lower_is_better=False)  # copies kept
BREACH_NOTICE = ItemSpec("N", "S", "number", thresholds=HOURS)
BACKUP_COPIES = ItemSpec("N", "S", "number", thresholds=BACKUPS)
CERT = single("C", (("iso27001", 1.0), ("self", 0.5), ("none", 0.0)))
CONTROLS = multi("M", (("mfa", 0.5), ("sso", 0.4), ("logs", 0.3), ("none", 0.0)))


# --- item values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, answer, expected",
    [
        (yes_no("Q"), YES, 1.0),
        (yes_no("Q"), PARTIAL, 0.5),
        (yes_no("Q"), NO, 0.0),
        (yes_no("Q", allow_na=True), NA, None),
        (yes_no("Q"), NA, 0.0),  # N/A where it is not allowed counts as "no"
        (yes_no("Q"), "maybe", 0.0),
        (yes_no("Q"), None, 0.0),
        (yes_no("Q"), "  ", 0.0),
        (CERT, "iso27001", 1.0),
        (CERT, "self", 0.5),
        (CERT, "unknown", 0.0),
        (CONTROLS, [], 0.0),
        (CONTROLS, ["logs"], 0.3),
        (CONTROLS, ["mfa", "logs"], 0.8),  # 0.5 + 0.3
        (CONTROLS, ["mfa", "sso", "logs"], 1.0),  # 0.5 + 0.4 + 0.3 = 1.2, capped at 1
        (CONTROLS, ("mfa", "mfa"), 0.5),  # a value chosen twice counts once
        (CONTROLS, "mfa", 0.0),  # a bare string is not a selection
        # Lower is better: <= 24 full, <= 72 partial, above that nothing.
        (BREACH_NOTICE, 0, 1.0),
        (BREACH_NOTICE, 24, 1.0),
        (BREACH_NOTICE, 24.5, 0.5),
        (BREACH_NOTICE, 72, 0.5),
        (BREACH_NOTICE, 72.1, 0.0),
        (BREACH_NOTICE, "24", 0.0),
        (BREACH_NOTICE, float("nan"), 0.0),
        (BREACH_NOTICE, True, 0.0),
        # Higher is better: >= 4 full, >= 2 partial.
        (BACKUP_COPIES, 5, 1.0),
        (BACKUP_COPIES, 4, 1.0),
        (BACKUP_COPIES, 3, 0.5),
        (BACKUP_COPIES, 2, 0.5),
        (BACKUP_COPIES, 1.9, 0.0),
        (ItemSpec("D", "S", "date"), "2024-04-01", None),
        (ItemSpec("T", "S", "text", 0), "ISMS since 2019", None),
    ],
)
def test_item_value(item, answer, expected):
    value = item_value(item, answer)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected)


# --- worked examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, answers, expected",
    [
        # (3*1 + 1*0) / 4 = 0.75
        ([yes_no("A", 3), yes_no("B", 1)], {"A": YES, "B": NO}, 75.0),
        # (2*0.5 + 2*1) / 4 = 0.75
        ([yes_no("A", 2), yes_no("B", 2)], {"A": PARTIAL, "B": YES}, 75.0),
        # unanswered B counts 0: (1*1 + 1*0) / 2 = 0.5
        ([yes_no("A"), yes_no("B")], {"A": YES}, 50.0),
        # N/A leaves B out: 3*0.5 / 3 = 0.5
        ([yes_no("A", 3), yes_no("B", 1, allow_na=True)], {"A": PARTIAL, "B": NA}, 50.0),
        # zero-weight items do not count: 1*1 / 1
        ([yes_no("A"), yes_no("B", 0)], {"A": YES, "B": NO}, 100.0),
        # (1*1 + 1*0 + 1*0) / 3 = 33.33 -> 33.3
        ([yes_no("A"), yes_no("B"), yes_no("C")], {"A": YES, "B": NO, "C": NO}, 33.3),
        # (2*1 + 1*0.5) / 3 = 83.33 -> 83.3; number 48h is partial
        ([yes_no("A", 2), BREACH_NOTICE], {"A": YES, "N": 48}, 83.3),
        # multi capped at 1 plus single "self" 0.5: (1 + 0.5) / 2 = 0.75
        ([CONTROLS, CERT], {"M": ["mfa", "sso", "logs"], "C": "self"}, 75.0),
        # hidden B (A is not "no") is out entirely: 1*1 / 1
        (
            [yes_no("A"), yes_no("B", condition=Condition("A", (NO,)))],
            {"A": YES, "B": NO},
            100.0,
        ),
        # shown B counts: (1*0 + 1*1) / 2
        (
            [yes_no("A"), yes_no("B", condition=Condition("A", (NO,)))],
            {"A": NO, "B": YES},
            50.0,
        ),
        # date and text items are not scored: 1*0.5 / 1
        (
            [yes_no("A"), ItemSpec("D", "S", "date"), ItemSpec("T", "S", "text", 0)],
            {"A": PARTIAL, "D": "2024-01-01", "T": "notes"},
            50.0,
        ),
        # 5*1 / (5 + 11) = 31.25 -> 31.3: halves round up, not to even
        ([yes_no("A", 5), yes_no("B", 11)], {"A": YES, "B": NO}, 31.3),
        # nothing scorable: all N/A
        ([yes_no("A", allow_na=True)], {"A": NA}, None),
    ],
)
def test_section_score_examples(items, answers, expected):
    result = score(ONE, items, answers)
    assert result.sections[0].score == expected
    assert result.overall == expected


def test_overall_weights_sections():
    sections = (SectionSpec("ACC", 1), SectionSpec("INC", 2), SectionSpec("EMPTY", 5))
    items = [
        yes_no("ACC-01", 3, "ACC"),
        yes_no("ACC-02", 1, "ACC"),
        yes_no("INC-01", 1, "INC"),
        yes_no("EMPTY-01", 1, "EMPTY", allow_na=True),
    ]
    answers = {"ACC-01": YES, "ACC-02": NO, "INC-01": PARTIAL, "EMPTY-01": NA}
    result = score(sections, items, answers)
    # ACC 75, INC 50, EMPTY has no score and no say: (1*75 + 2*50) / 3 = 58.33
    assert [s.score for s in result.sections] == [75.0, 50.0, None]
    assert [s.code for s in result.sections] == ["ACC", "INC", "EMPTY"]
    assert result.overall == 58.3
    assert result.rating == "C"  # 55 <= 58.3 < 70


def test_overall_uses_unrounded_section_scores():
    sections = (SectionSpec("X"), SectionSpec("Y"))
    items = [yes_no(c, section="X") for c in "AB"] + [yes_no(c, section="Y") for c in "CDE"]
    answers = {"A": YES, "B": NO, "C": YES, "D": NO, "E": NO}
    # X = 50, Y = 33.333...: (50 + 33.333) / 2 = 41.67 -> 41.7
    # (averaging the shown 50 and 33.3 would give 41.65, a rounding tie)
    result = score(sections, items, answers)
    assert [s.score for s in result.sections] == [50.0, 33.3]
    assert result.overall == 41.7


def test_it_counts_answered_and_scorable_items():
    items = [yes_no("A"), yes_no("B", allow_na=True), yes_no("C"), ItemSpec("T", "S", "text", 0)]
    section = score(ONE, items, {"A": YES, "B": NA, "T": "x"}).sections[0]
    assert (section.answered, section.scorable) == (2, 3)


def test_unanswered_required_items_mark_it_incomplete():
    items = [
        yes_no("A"),
        yes_no("B"),
        yes_no("OPT", required=False),
        ItemSpec("D", "S", "date"),
        yes_no("HID", condition=Condition("A", (NO,))),
    ]
    result = score(ONE, items, {"A": YES, "OPT": None})
    # Visible required: A, B, D; answered: A -> 1/3.
    assert result.unanswered == ("B", "D")
    assert result.completeness == pytest.approx(1 / 3)
    assert not result.complete
    complete = score(ONE, items, {"A": YES, "B": NO, "D": date(2024, 1, 1)})
    assert complete.complete and complete.completeness == 1.0 and complete.unanswered == ()


def test_empty_checklist_is_complete_and_rated_e():
    result = score(ONE, [], {})
    assert result.overall is None and result.complete and result.rating == "E"


@pytest.mark.parametrize(
    "answer, reason, value",
    [
        (NO, KNOCKOUT_FAILED, 0.0),
        (PARTIAL, KNOCKOUT_PARTIAL, 0.5),
        (None, KNOCKOUT_UNANSWERED, 0.0),
    ],
)
def test_it_caps_rating_when_critical_item_fails(answer, reason, value):
    items = [yes_no("NDA", 1, critical=True)] + [yes_no(f"Q{i}", 1) for i in range(19)]
    answers = {f"Q{i}": YES for i in range(19)} | {"NDA": answer}
    result = score(ONE, items, answers)
    # 19 of 20 (or 19.5 of 20) -> A on score alone, D with the knockout.
    assert result.uncapped_rating == "A"
    assert result.rating == "D"
    assert result.capped
    assert [(k.item_code, k.reason, k.value) for k in result.knockouts] == [("NDA", reason, value)]


def test_cap_does_not_lift_a_worse_rating():
    result = score(ONE, [yes_no("NDA", critical=True), yes_no("B")], {"NDA": NO, "B": NO})
    assert result.uncapped_rating == "E" and result.rating == "E"
    assert result.knockouts and not result.capped


def test_no_knockout_for_na_hidden_or_full_critical_items():
    items = [
        yes_no("A", critical=True),
        yes_no("B", critical=True, allow_na=True),
        yes_no("C", critical=True, condition=Condition("A", (NO,))),
    ]
    result = score(ONE, items, {"A": YES, "B": NA, "C": NO})
    assert result.knockouts == () and result.rating == "A"


def test_findings_for_every_item_below_full_marks():
    items = [
        yes_no("A", 3),
        yes_no("B", 2),
        yes_no("C", critical=True),
        yes_no("D"),
        yes_no("NA", allow_na=True),
        yes_no("ZERO", 0),
        yes_no("HID", condition=Condition("A", (YES,))),
        ItemSpec("T", "S", "text", 0),
    ]
    result = score(ONE, items, {"A": PARTIAL, "B": NO, "C": PARTIAL, "NA": NA, "HID": NO})
    assert [(f.item_code, f.value, f.severity, f.unanswered) for f in result.findings] == [
        ("A", 0.5, "medium", False),
        ("B", 0.0, "medium", False),
        ("C", 0.5, "high", False),
        ("D", 0.0, "low", True),
    ]
    assert {f.section for f in result.findings} == {"S"}


@pytest.mark.parametrize(
    "bands",
    [
        ((85, "A"), (70, "B"), (55, "C")),
        ((85, "A"), (70, "B"), (55, "D"), (40, "C")),
        ((85, "A"), (70, "B"), (70, "C"), (40, "D")),
        ((85, "A"), (90, "B"), (55, "C"), (40, "D")),
        ((101, "A"), (70, "B"), (55, "C"), (40, "D")),
        ((85, "A"), (70, "B"), (55, "C"), (-1, "D")),
        ((85, "A"), (70, "B"), (55, "C"), ("40", "D")),
        ((85, "A"), (70, "B"), (55, "C"), (float("nan"), "D")),
    ],
)
def test_validate_bands_rejects(bands):
    with pytest.raises(ValueError):
        validate_bands(bands)


def test_validate_bands_accepts_edges_and_custom_cutoffs():
    validate_bands(DEFAULT_BANDS)
    validate_bands(((100, "A"), (90, "B"), (50.5, "C"), (0, "D")))


def test_score_rejects_bad_configuration():
    with pytest.raises(ValueError):
        score(ONE, [yes_no("A")], {}, critical_cap="F")
    with pytest.raises(ValueError):
        score(ONE, [yes_no("A"), yes_no("A")], {})
    with pytest.raises(ValueError):
        score(ONE, [yes_no("A", section="NOPE")], {})
    with pytest.raises(ValueError):
        score(ONE, [yes_no("A", -1)], {})


@pytest.mark.parametrize(
    "overall, expected",
    [(100, "A"), (85, "A"), (84.9, "B"), (70, "B"), (55, "C"), (40, "D"), (39.9, "E"), (0, "E")],
)
def test_rating_bands_at_their_edges(overall, expected):
    assert rating_for(overall) == expected


def test_custom_bands_and_cap():
    items = [yes_no("A", 3, critical=True), yes_no("B")]
    bands = ((95, "A"), (75, "B"), (60, "C"), (50, "D"))
    result = score(ONE, items, {"A": YES, "B": NO}, bands=bands)  # 75.0
    assert result.rating == "B"
    capped = score(ONE, items, {"A": PARTIAL, "B": YES}, bands=bands, critical_cap="C")
    # (3*0.5 + 1) / 4 = 62.5 -> C; cap C changes nothing
    assert capped.overall == 62.5 and capped.rating == "C" and not capped.capped


# --- visibility -----------------------------------------------------------------------------

CHAIN = [
    yes_no("A"),
    yes_no("B", condition=Condition("A", (YES, PARTIAL))),
    yes_no("C", condition=Condition("B", (NO,))),
    multi("M", (("cloud", 1.0), ("onprem", 1.0))),
    yes_no("D", condition=Condition("M", ("cloud",))),
    yes_no("E", condition=Condition("D", (YES,))),
    yes_no("ORPHAN", condition=Condition("MISSING", (YES,))),
    yes_no("LOOP1", condition=Condition("LOOP2", (YES,))),
    yes_no("LOOP2", condition=Condition("LOOP1", (YES,))),
]


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({}, {"A", "M"}),
        ({"A": NO, "B": NO}, {"A", "M"}),  # B hidden, so C hidden despite B's stored "no"
        ({"A": PARTIAL}, {"A", "B", "M"}),
        ({"A": YES, "B": NO}, {"A", "B", "C", "M"}),
        ({"M": ["onprem"]}, {"A", "M"}),
        ({"M": ["onprem", "cloud"]}, {"A", "M", "D"}),  # any chosen value matches
        ({"M": [], "D": YES}, {"A", "M"}),
        ({"M": ["cloud"], "D": YES}, {"A", "M", "D", "E"}),
        ({"M": ["onprem"], "D": YES}, {"A", "M"}),  # hidden D hides E
        ({"LOOP1": YES, "LOOP2": YES, "MISSING": YES}, {"A", "M"}),
    ],
)
def test_visible_codes(answers, expected):
    assert visible_codes(CHAIN, answers) == frozenset(expected)
    for seed in range(5):
        shuffled = CHAIN[:]
        random.Random(seed).shuffle(shuffled)
        assert visible_codes(shuffled, answers) == frozenset(expected)


# --- severity, residual risk, reassessment --------------------------------------------------


@pytest.mark.parametrize(
    "item, value, unanswered, expected",
    [
        (yes_no("Q", 1, critical=True), 0.0, False, "critical"),
        (yes_no("Q", 1, critical=True), 0.0, True, "critical"),
        (yes_no("Q", 1, critical=True), 0.5, False, "high"),
        (yes_no("Q", 3), 0.0, False, "high"),
        (yes_no("Q", 3), 0.0, True, "high"),
        (yes_no("Q", 3), 0.5, False, "medium"),
        (yes_no("Q", 2), 0.0, False, "medium"),
        (yes_no("Q", 2), 0.5, False, "low"),
        (yes_no("Q", 1), 0.0, False, "low"),
        (yes_no("Q", 1), 0.0, True, "low"),
        (yes_no("Q", 0.5), 0.5, False, "low"),
    ],
)
def test_severity(item, value, unanswered, expected):
    assert severity(item, value, unanswered) == expected


@pytest.mark.parametrize(
    "tier, levels",
    [
        (1, ["medium", "medium", "high", "critical", "critical"]),
        (2, ["low", "medium", "medium", "high", "critical"]),
        (3, ["low", "low", "medium", "medium", "high"]),
    ],
)
def test_residual_risk_matrix(tier, levels):
    assert [residual_risk(tier, rating) for rating in RATINGS] == levels


def test_residual_risk_rejects_unknown_tier_or_rating():
    with pytest.raises(ValueError):
        residual_risk(4, "A")
    with pytest.raises(ValueError):
        residual_risk(1, "F")


def test_validate_matrix():
    validate_matrix(DEFAULT_RESIDUAL_MATRIX)
    missing_tier = {k: v for k, v in DEFAULT_RESIDUAL_MATRIX.items() if k != 3}
    bad_level = {**DEFAULT_RESIDUAL_MATRIX, 2: {**DEFAULT_RESIDUAL_MATRIX[2], "A": "none"}}
    missing_rating = {**DEFAULT_RESIDUAL_MATRIX, 1: {"A": "low"}}
    better_for_worse = {**DEFAULT_RESIDUAL_MATRIX, 3: {**DEFAULT_RESIDUAL_MATRIX[3], "E": "low"}}
    tier1_below_tier2 = {**DEFAULT_RESIDUAL_MATRIX, 1: {**DEFAULT_RESIDUAL_MATRIX[1], "A": "low"}}
    tier1_below_tier2[2] = {**DEFAULT_RESIDUAL_MATRIX[2], "A": "medium"}
    for matrix in (missing_tier, bad_level, missing_rating, better_for_worse, tier1_below_tier2):
        with pytest.raises(ValueError):
            validate_matrix(matrix)


@pytest.mark.parametrize(
    "start, level, expected",
    [
        (date(2024, 1, 31), "low", date(2026, 1, 31)),  # 24 months
        (date(2024, 1, 15), "medium", date(2025, 1, 15)),
        (date(2024, 8, 31), "high", date(2025, 2, 28)),  # 6 months, clamped
        (date(2023, 11, 30), "critical", date(2024, 2, 29)),  # leap year
        (date(2024, 10, 31), "critical", date(2025, 1, 31)),  # across the year end
    ],
)
def test_next_reassessment(start, level, expected):
    assert next_reassessment(start, level) == expected


@pytest.mark.parametrize(
    "start, expected",
    [(date(2023, 1, 31), date(2023, 2, 28)), (date(2024, 1, 31), date(2024, 2, 29))],
)
def test_next_reassessment_clamps_to_month_end(start, expected):
    assert next_reassessment(start, "x", {"x": 1}) == expected


def test_next_reassessment_rejects_unknown_level():
    with pytest.raises(ValueError):
        next_reassessment(date(2024, 1, 1), "severe")


# --- properties -----------------------------------------------------------------------------

WEIGHTS = st.sampled_from([0, 0.5, 1, 2, 3, 5])
CHOICE_SCORES = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
YES_NO_LADDER = [NO, PARTIAL, YES]
IPA_LADDER = ["unknown", "not_done", "partly", "done"]  # worst first


@st.composite
def item_specs(draw, code, section):
    kind = draw(st.sampled_from(["yes_no", "single_choice", "multi_choice", "number", "ipa_scale"]))
    extra = {}
    if kind == "yes_no":
        extra["allow_na"] = draw(st.booleans())
    elif kind in ("single_choice", "multi_choice"):
        scores = draw(st.lists(CHOICE_SCORES, min_size=1, max_size=4))
        extra["choices"] = tuple((f"c{i}", s) for i, s in enumerate(scores))
    else:
        full, partial = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
        lower = draw(st.booleans())
        extra["thresholds"] = (
            Thresholds(full, partial, True) if lower else Thresholds(partial, full, False)
        )
    return ItemSpec(code, section, kind, draw(WEIGHTS), critical=draw(st.booleans()), **extra)


def answers_for(item):
    """A strategy of answers to `item`, None (unanswered) included."""
    if item.answer_type == "yes_no":
        values = [*YES_NO_LADDER, NA] if item.allow_na else YES_NO_LADDER
        return st.one_of(st.none(), st.sampled_from(values))
    if item.answer_type == "ipa_scale":
        return st.one_of(st.none(), st.sampled_from(IPA_LADDER))
    if item.answer_type == "single_choice":
        return st.one_of(st.none(), st.sampled_from([v for v, _ in item.choices]))
    if item.answer_type == "multi_choice":
        return st.one_of(st.none(), st.lists(st.sampled_from([v for v, _ in item.choices])))
    return st.one_of(st.none(), st.integers(0, 120))


@st.composite
def checklists(draw):
    """Sections and items (no conditions: they would make any property depend on
    visibility), with answers."""
    sections = tuple(SectionSpec(f"S{i}", draw(WEIGHTS)) for i in range(draw(st.integers(1, 3))))
    items = [
        draw(item_specs(f"Q{i}", draw(st.sampled_from(sections)).code))
        for i in range(draw(st.integers(1, 8)))
    ]
    answers = {item.code: draw(answers_for(item)) for item in items}
    return sections, items, answers


def better_answer(draw, item, answer):
    """An answer to `item` at least as good as `answer` (which is not N/A)."""
    if item.answer_type == "yes_no":
        start = YES_NO_LADDER.index(answer) if answer else 0
        return draw(st.sampled_from(YES_NO_LADDER[start:]))
    if item.answer_type == "ipa_scale":
        start = IPA_LADDER.index(answer) if answer else 0
        return draw(st.sampled_from(IPA_LADDER[start:]))
    if item.answer_type == "single_choice":
        current = item_value(item, answer)
        return draw(st.sampled_from([v for v, s in item.choices if s >= current]))
    if item.answer_type == "multi_choice":
        extra = draw(st.lists(st.sampled_from([v for v, _ in item.choices])))
        return [*(answer or []), *extra]
    if answer is None:
        return draw(st.integers(0, 120))
    step = draw(st.integers(0, 50))
    return answer - step if item.thresholds.lower_is_better else answer + step


@PROPERTY
@given(checklists())
def test_overall_and_sections_stay_within_0_to_100(checklist):
    result = score(*checklist)
    for value in (result.overall, *(s.score for s in result.sections)):
        assert value is None or 0 <= value <= 100
    assert 0 <= result.completeness <= 1
    assert result.rating in RATINGS


@PROPERTY
@given(checklists(), st.data())
def test_improving_one_answer_never_lowers_a_score(checklist, data):
    sections, items, answers = checklist
    item = data.draw(st.sampled_from(items))
    if answers[item.code] == NA:
        answers[item.code] = None
    before = score(sections, items, answers)
    after = score(
        sections, items, answers | {item.code: better_answer(data.draw, item, answers[item.code])}
    )
    if before.overall is not None:
        assert after.overall >= before.overall
    for old, new in zip(before.sections, after.sections, strict=True):
        if old.score is not None:
            assert new.score >= old.score
    assert RATINGS.index(after.rating) <= RATINGS.index(before.rating)


@PROPERTY
@given(checklists(), st.randoms(use_true_random=False))
def test_item_order_does_not_matter(checklist, rnd):
    sections, items, answers = checklist
    shuffled = items[:]
    rnd.shuffle(shuffled)
    a, b = score(sections, items, answers), score(sections, shuffled, answers)
    assert (a.overall, a.sections, a.rating, a.uncapped_rating) == (
        b.overall,
        b.sections,
        b.rating,
        b.uncapped_rating,
    )
    assert a.completeness == b.completeness
    assert set(a.findings) == set(b.findings)
    assert set(a.knockouts) == set(b.knockouts)
    assert set(a.unanswered) == set(b.unanswered)


@PROPERTY
@given(checklists(), st.data())
def test_na_leaves_the_other_weights_alone(checklist, data):
    sections, items, answers = checklist
    items = [
        ItemSpec(i.code, "S0", "yes_no", i.weight, allow_na=True) for i in items
    ]  # one section of yes/no items that allow N/A
    answers = {i.code: data.draw(st.sampled_from([None, *YES_NO_LADDER, NA])) for i in items}
    target = data.draw(st.sampled_from(items))
    answers[target.code] = NA
    others = [
        (i.weight, {YES: 1.0, PARTIAL: 0.5}.get(answers[i.code], 0.0))
        for i in items
        if answers[i.code] != NA and i.weight > 0
    ]
    total = sum(w for w, _ in others)
    result = score((SectionSpec("S0"),), items, answers).sections[0].score
    if total == 0:
        assert result is None
    else:
        assert math.isclose(
            result, 100 * sum(w * v for w, v in others) / total, abs_tol=0.05 + 1e-9
        )


@PROPERTY
@given(checklists(), st.data(), st.sampled_from(RATINGS))
def test_failed_critical_item_caps_the_rating(checklist, data, cap):
    sections, items, answers = checklist
    target = data.draw(st.sampled_from(items))
    items = [
        ItemSpec(i.code, i.section, "yes_no", i.weight, critical=True) if i is target else i
        for i in items
    ]
    answers[target.code] = data.draw(st.sampled_from([NO, PARTIAL, None]))
    result = score(sections, items, answers, critical_cap=cap)
    assert RATINGS.index(result.rating) >= RATINGS.index(cap)
    assert target.code in {k.item_code for k in result.knockouts}


@st.composite
def band_sets(draw):
    cuts = draw(st.lists(st.integers(0, 100), min_size=4, max_size=4, unique=True))
    return tuple(zip(sorted(cuts, reverse=True), RATINGS[:-1], strict=True))


@PROPERTY
@given(band_sets(), st.floats(0, 100), st.floats(0, 100))
def test_rating_is_monotone_in_score(bands, low, high):
    low, high = sorted((low, high))
    validate_bands(bands)
    assert RATINGS.index(rating_for(high, bands)) <= RATINGS.index(rating_for(low, bands))
