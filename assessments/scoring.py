"""Scoring of an assessment: plain values in, a frozen result out.

A pure module (standard library only, no ORM), so the rules can be read in one
place and tested with properties rather than a database.

How an answer counts:

    yes_no         yes = 1, partial = 0.5, no = 0; "na" leaves the item out of
                   the denominator where the item allows N/A, and counts as 0
                   where it does not (N/A must not be a way round a question).
    single_choice  the score of the chosen value (0..1); an unknown value is 0.
    multi_choice   the sum of the scores of the chosen values, capped at 1;
                   an empty selection is an answer worth 0.
    number         1 / 0.5 / 0 by the item's thresholds; a non-number is 0.
    ipa_scale      IPA's self-check scale (5分でできる!情報セキュリティ自社診断): done
                   = 4 points, partly = 2, not done = 0, don't know = -1. In the 0-100
                   score it counts points / 4 with "don't know" as 0 (not knowing is
                   no better than not doing, and a score never goes below 0); IPA's own
                   total, where "don't know" costs a point, is kept beside it
                   (ScoreResult.ipa). There is no N/A on this scale.
    date, text     not scored; they only count for completeness.

An answer that is missing, None or a blank string is *unanswered*: a scored
item then counts 0 (whether or not it is required) and becomes a finding, and a
required item marks the assessment incomplete. Items hidden by a condition
count for nothing, whatever their stored answer.

Section score = sum(weight * value) / sum(weight) over the visible scored items
with weight > 0, N/A left out, as 0-100. Overall = the section scores weighted
by section weight, over the sections that have a score. The rating comes from
the bands on the overall score (rounded half up to one decimal, as shown); any knockout
(a visible critical item below full marks, or unanswered) caps the rating.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

ANSWER_TYPES = (
    "yes_no",
    "single_choice",
    "multi_choice",
    "number",
    "ipa_scale",
    "date",
    "text",
)
SCORED_TYPES = ("yes_no", "single_choice", "multi_choice", "number", "ipa_scale")
YES, PARTIAL, NO, NA = "yes", "partial", "no", "na"
YES_NO_SCORES = {YES: 1.0, PARTIAL: 0.5, NO: 0.0}
IPA_DONE, IPA_PARTLY, IPA_NOT_DONE, IPA_UNKNOWN = "done", "partly", "not_done", "unknown"
IPA_POINTS = {IPA_DONE: 4, IPA_PARTLY: 2, IPA_NOT_DONE: 0, IPA_UNKNOWN: -1}
IPA_MAX_POINTS = max(IPA_POINTS.values())

RATINGS = ("A", "B", "C", "D", "E")  # best first
DEFAULT_BANDS = ((85, "A"), (70, "B"), (55, "C"), (40, "D"))  # score >= cut -> rating; else "E"
DEFAULT_CRITICAL_CAP = "D"

SEVERITIES = ("critical", "high", "medium", "low")
RESIDUAL_LEVELS = ("low", "medium", "high", "critical")  # least first
TIERS = (1, 2, 3)  # 1 = high inherent risk
DEFAULT_RESIDUAL_MATRIX: dict[int, dict[str, str]] = {
    1: {"A": "medium", "B": "medium", "C": "high", "D": "critical", "E": "critical"},
    2: {"A": "low", "B": "medium", "C": "medium", "D": "high", "E": "critical"},
    3: {"A": "low", "B": "low", "C": "medium", "D": "medium", "E": "high"},
}
DEFAULT_REASSESSMENT_MONTHS = {"critical": 3, "high": 6, "medium": 12, "low": 24}
# Days a vendor has to remedy a finding, from the day it is found, by severity.
DEFAULT_FINDING_DUE_DAYS = {"critical": 30, "high": 60, "medium": 90, "low": 180}

KNOCKOUT_FAILED = "critical_item_failed"
KNOCKOUT_PARTIAL = "critical_item_partial"
KNOCKOUT_UNANSWERED = "critical_item_unanswered"


@dataclass(frozen=True)
class Condition:
    """Show the item only when the answer to `item` is one of `values`."""

    item: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Thresholds:
    full: float
    partial: float
    lower_is_better: bool = True


@dataclass(frozen=True)
class ItemSpec:
    code: str
    section: str
    answer_type: str
    weight: float = 1.0
    critical: bool = False
    allow_na: bool = False
    required: bool = True
    choices: tuple[tuple[str, float], ...] = ()  # (value, score 0..1)
    thresholds: Thresholds | None = None
    condition: Condition | None = None

    @property
    def scored(self) -> bool:
        """Counts towards the section score (and becomes a finding below 1)."""
        return self.answer_type in SCORED_TYPES and self.weight > 0

    @property
    def gates(self) -> bool:
        """A critical item that can fail, and so knock the rating down."""
        return self.critical and self.answer_type in SCORED_TYPES


@dataclass(frozen=True)
class SectionSpec:
    code: str
    weight: float = 1.0


@dataclass(frozen=True)
class SectionScore:
    code: str
    score: float | None  # 0-100, one decimal; None when nothing in it is scorable
    weight: float
    answered: int  # scorable items with an answer (N/A included)
    scorable: int  # visible scored items with weight > 0


@dataclass(frozen=True)
class Knockout:
    item_code: str
    value: float
    reason: str  # KNOCKOUT_FAILED, KNOCKOUT_PARTIAL or KNOCKOUT_UNANSWERED


@dataclass(frozen=True)
class FindingDraft:
    item_code: str
    section: str
    value: float
    severity: str
    unanswered: bool


@dataclass(frozen=True)
class IpaTotal:
    """IPA's own total over the visible ipa_scale items: 4 / 2 / 0 / -1 points each."""

    points: int  # may be negative: "don't know" costs a point
    maximum: int  # 4 x the visible ipa_scale items
    answered: int
    unknown: int  # answered "don't know"
    items: int  # visible ipa_scale items


@dataclass(frozen=True)
class ScoreResult:
    overall: float | None
    sections: tuple[SectionScore, ...]
    completeness: float
    complete: bool
    unanswered: tuple[str, ...]
    rating: str
    uncapped_rating: str
    knockouts: tuple[Knockout, ...]
    findings: tuple[FindingDraft, ...]
    capped: bool  # the cap made the rating worse than the score alone
    ipa: IpaTotal | None = None  # only when the checklist has ipa_scale items


def is_answered(answer: Any) -> bool:
    if answer is None:
        return False
    return not (isinstance(answer, str) and not answer.strip())


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return None
    return float(answer) if math.isfinite(answer) else None


def item_value(item: ItemSpec, answer: Any) -> float | None:
    """The value 0..1 of an answer, or None where it does not count (N/A, date, text).

    An unanswered scored item is 0.0 here too; `score` tells it apart for findings.
    """
    kind = item.answer_type
    if kind not in SCORED_TYPES:
        return None
    if not is_answered(answer):
        return 0.0
    if kind == "yes_no":
        if answer == NA:
            return None if item.allow_na else 0.0
        return YES_NO_SCORES.get(answer, 0.0)
    if kind == "ipa_scale":
        points = ipa_points(answer)
        return 0.0 if points is None else max(points, 0) / IPA_MAX_POINTS
    scores = dict(item.choices)
    if kind == "single_choice":
        return float(scores.get(answer, 0.0)) if isinstance(answer, str) else 0.0
    if kind == "multi_choice":
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            return 0.0
        return min(1.0, math.fsum(scores.get(value, 0.0) for value in set(answer)))
    number, limits = _number(answer), item.thresholds
    if number is None or limits is None:
        return 0.0
    if limits.lower_is_better:
        return 1.0 if number <= limits.full else 0.5 if number <= limits.partial else 0.0
    return 1.0 if number >= limits.full else 0.5 if number >= limits.partial else 0.0


def ipa_points(answer: Any) -> int | None:
    """IPA's points for an ipa_scale answer (4, 2, 0, -1), None for anything else."""
    return IPA_POINTS.get(answer) if isinstance(answer, str) else None


def ipa_total(items: Iterable[ItemSpec], answers: Mapping[str, Any]) -> IpaTotal | None:
    """IPA's own total over the visible ipa_scale items, or None when there are none."""
    items = list(items)
    visible = visible_codes(items, answers)
    scale = [item for item in items if item.answer_type == "ipa_scale" and item.code in visible]
    if not any(item.answer_type == "ipa_scale" for item in items):
        return None
    points = [ipa_points(answers.get(item.code)) for item in scale]
    given = [p for p in points if p is not None]
    return IpaTotal(
        points=sum(given),
        maximum=IPA_MAX_POINTS * len(scale),
        answered=len(given),
        unknown=sum(1 for p in given if p == IPA_POINTS[IPA_UNKNOWN]),
        items=len(scale),
    )


# IPA's reading of the total, as a share of the maximum (100 of 100 points for its 25
# questions): all measures in place / mostly / clear gaps / an incident could come any day.
IPA_BANDS = ((100, "complete"), (70, "mostly"), (50, "gaps"))
IPA_LOWEST_BAND = "weak"


def ipa_band(total: IpaTotal) -> str | None:
    """IPA's band for a total, None until every visible item is answered."""
    if total.maximum <= 0 or total.answered < total.items:
        return None
    share = 100 * total.points / total.maximum
    return next((band for cut, band in IPA_BANDS if share >= cut), IPA_LOWEST_BAND)


def _matches(answer: Any, values: tuple[str, ...]) -> bool:
    if isinstance(answer, str):
        return answer in values
    if isinstance(answer, Iterable):  # multi_choice: any chosen value matches
        return any(value in values for value in answer)
    return False


def visible_codes(items: Iterable[ItemSpec], answers: Mapping[str, Any]) -> frozenset[str]:
    """Codes of the items shown for these answers.

    An item with a condition is shown only if its controlling item is shown and
    the controlling answer matches. Grown to a fixed point, so chains resolve in
    any order; an item whose controller is missing (or that sits in a cycle)
    stays hidden.
    """
    pending = list(items)
    visible = {item.code for item in pending if item.condition is None}
    pending = [item for item in pending if item.condition is not None]
    while True:
        shown = [
            item
            for item in pending
            if item.condition.item in visible
            and _matches(answers.get(item.condition.item), item.condition.values)
        ]
        if not shown:
            return frozenset(visible)
        visible.update(item.code for item in shown)
        pending = [item for item in pending if item.code not in visible]


def severity(item: ItemSpec, value: float, unanswered: bool = False) -> str:
    """Severity of a finding on `item` with `value` (unanswered counts as 0).

    =============  ========  =============  ==========
    item           value 0   0 < value < 1  (value 1)
    =============  ========  =============  ==========
    critical       critical  high           high
    weight >= 3    high      medium         low
    weight >= 2    medium    low            low
    weight < 2     low       low            low
    =============  ========  =============  ==========
    """
    failed = unanswered or value <= 0
    if item.critical:
        return "critical" if failed else "high"
    if item.weight >= 3:
        return "high" if failed else "medium" if value < 1 else "low"
    if item.weight >= 2 and failed:
        return "medium"
    return "low"


def rating_for(overall: float | None, bands: Sequence[tuple[float, str]] = DEFAULT_BANDS) -> str:
    """The rating of a score: the first band whose cut-off it reaches, else "E"."""
    if overall is not None:
        for cut, label in bands:
            if overall >= cut:
                return label
    return RATINGS[-1]


def worse_rating(a: str, b: str) -> str:
    return max(a, b, key=RATINGS.index)


def _round1(value: float) -> float:
    """One decimal, halves up (31.25 -> 31.3), as a person rounding by hand would."""
    return math.floor(value * 10 + 0.5) / 10


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """sum(w * v) / sum(w); fsum keeps the result independent of item order."""
    pairs = list(pairs)
    total = math.fsum(weight for weight, _ in pairs)
    if total <= 0:
        return None
    return math.fsum(weight * value for weight, value in pairs) / total


def _check_specs(sections: Sequence[SectionSpec], items: Sequence[ItemSpec]) -> None:
    section_codes = [section.code for section in sections]
    if len(set(section_codes)) != len(section_codes):
        raise ValueError("Duplicate section codes.")
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("Duplicate item codes.")
    for spec in (*sections, *items):
        if not (math.isfinite(spec.weight) and spec.weight >= 0):
            raise ValueError(f"{spec.code}: the weight must be a finite number >= 0.")
    for item in items:
        if item.section not in section_codes:
            raise ValueError(f"{item.code}: unknown section {item.section!r}.")
        if item.answer_type not in ANSWER_TYPES:
            raise ValueError(f"{item.code}: unknown answer type {item.answer_type!r}.")


def _knockout(item: ItemSpec, value: float, missing: bool) -> Knockout:
    if missing:
        return Knockout(item.code, value, KNOCKOUT_UNANSWERED)
    return Knockout(item.code, value, KNOCKOUT_PARTIAL if value > 0 else KNOCKOUT_FAILED)


def score(
    sections: Sequence[SectionSpec],
    items: Sequence[ItemSpec],
    answers: Mapping[str, Any],
    *,
    bands: Sequence[tuple[float, str]] = DEFAULT_BANDS,
    critical_cap: str = DEFAULT_CRITICAL_CAP,
) -> ScoreResult:
    """Score the answers to a checklist; see the module docstring for the rules."""
    validate_bands(bands)
    if critical_cap not in RATINGS:
        raise ValueError(f"The critical cap must be one of {', '.join(RATINGS)}.")
    _check_specs(sections, items)

    visible = visible_codes(items, answers)
    shown = [item for item in items if item.code in visible]
    required = [item for item in shown if item.required]
    unanswered = tuple(item.code for item in required if not is_answered(answers.get(item.code)))

    knockouts, findings, section_scores, section_means = [], [], [], []
    for section in sections:
        pairs, answered, scorable = [], 0, 0
        for item in (item for item in shown if item.section == section.code):
            answer = answers.get(item.code)
            value, missing = item_value(item, answer), not is_answered(answer)
            if item.scored:
                scorable += 1
                answered += not missing
                if value is not None:
                    pairs.append((item.weight, value))
            if value is None or value >= 1:
                continue
            if item.gates:
                knockouts.append(_knockout(item, value, missing))
            if item.scored or item.gates:
                level = severity(item, value, missing)
                findings.append(FindingDraft(item.code, section.code, value, level, missing))
        mean = _weighted_mean(pairs)
        section_means.append((section.weight, mean))
        shown_score = None if mean is None else _round1(100 * mean)
        section_scores.append(
            SectionScore(section.code, shown_score, section.weight, answered, scorable)
        )

    # Sections are weighted by their unrounded scores; only the result is rounded.
    overall = _weighted_mean((weight, mean) for weight, mean in section_means if mean is not None)
    overall = None if overall is None else _round1(100 * overall)
    uncapped = rating_for(overall, bands)
    rating = worse_rating(uncapped, critical_cap) if knockouts else uncapped
    return ScoreResult(
        overall=overall,
        sections=tuple(section_scores),
        completeness=1 - len(unanswered) / len(required) if required else 1.0,
        complete=not unanswered,
        unanswered=unanswered,
        rating=rating,
        uncapped_rating=uncapped,
        knockouts=tuple(knockouts),
        findings=tuple(findings),
        capped=rating != uncapped,
        ipa=ipa_total(items, answers),
    )


def residual_risk(
    tier: int, rating: str, matrix: Mapping[int, Mapping[str, str]] = DEFAULT_RESIDUAL_MATRIX
) -> str:
    """Residual risk level of a vendor: inherent tier (1 = high) x rating."""
    try:
        return matrix[tier][rating]
    except KeyError:
        raise ValueError(f"No residual risk for tier {tier!r} and rating {rating!r}.") from None


def next_reassessment(
    from_date: date, level: str, months: Mapping[str, int] = DEFAULT_REASSESSMENT_MONTHS
) -> date:
    """`from_date` plus the interval for `level`, in calendar months.

    The day is clamped to the end of a shorter month (Jan 31 + 1 month = Feb 28/29).
    """
    if level not in months:
        raise ValueError(f"No reassessment interval for the level {level!r}.")
    index = from_date.year * 12 + from_date.month - 1 + months[level]
    year, month = divmod(index, 12)
    day = min(from_date.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def finding_due_date(
    found_on: date, severity: str, days: Mapping[str, int] = DEFAULT_FINDING_DUE_DAYS
) -> date:
    """When a finding of `severity` found on `found_on` is due: the policy's days later."""
    if severity not in days:
        raise ValueError(f"No remediation period for the severity {severity!r}.")
    return found_on + timedelta(days=days[severity])


def validate_due_days(days) -> None:
    """Whole days from 1 to 730 for each severity, never longer for a worse one."""
    if not isinstance(days, Mapping) or set(days) != set(SEVERITIES):
        raise ValueError("Give days for each of critical, high, medium and low.")
    values = [days[s] for s in SEVERITIES]
    if not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 730 for d in values):
        raise ValueError("Remediation periods are whole days from 1 to 730.")
    if any(worse > milder for worse, milder in zip(values, values[1:], strict=False)):
        raise ValueError("A worse severity cannot have longer to be remedied than a milder one.")


def validate_bands(bands: Sequence[tuple[float, str]]) -> None:
    """Bands are (cut-off, rating) for A, B, C, D in that order, cut-offs falling
    strictly within 0..100; anything below the last cut-off is E."""
    labels = tuple(label for _, label in bands)
    if labels != RATINGS[:-1]:
        raise ValueError(f"Bands must be given for {', '.join(RATINGS[:-1])}, in that order.")
    cuts = [cut for cut, _ in bands]
    for cut in cuts:
        if isinstance(cut, bool) or not isinstance(cut, int | float) or not 0 <= cut <= 100:
            raise ValueError(f"Band cut-off {cut!r} must be a number from 0 to 100.")
    if any(lower >= higher for higher, lower in zip(cuts, cuts[1:], strict=False)):
        raise ValueError("Band cut-offs must fall strictly from A to D.")


def validate_matrix(matrix: Mapping[int, Mapping[str, str]]) -> None:
    """Every tier x rating has a level, and the level never drops for a worse
    rating or a riskier tier."""
    if set(matrix) != set(TIERS):
        raise ValueError(f"The matrix needs exactly the tiers {TIERS}.")
    for tier in TIERS:
        row = matrix[tier]
        if set(row) != set(RATINGS) or any(level not in RESIDUAL_LEVELS for level in row.values()):
            raise ValueError(
                f"Tier {tier} needs a level ({', '.join(RESIDUAL_LEVELS)}) for each of "
                f"{', '.join(RATINGS)}."
            )
    rank = RESIDUAL_LEVELS.index
    for tier in TIERS:
        for better, worse in zip(RATINGS, RATINGS[1:], strict=False):
            if rank(matrix[tier][worse]) < rank(matrix[tier][better]):
                raise ValueError(f"Tier {tier}: rating {worse} has a lower level than {better}.")
    for riskier, safer in zip(TIERS, TIERS[1:], strict=False):
        for rating in RATINGS:
            if rank(matrix[riskier][rating]) < rank(matrix[safer][rating]):
                raise ValueError(
                    f"Rating {rating}: tier {riskier} has a lower level than tier {safer}."
                )
