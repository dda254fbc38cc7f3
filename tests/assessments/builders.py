"""Builders for scoring, findings, dashboard and comparison tests: answers are written
in one insert, then the assessment goes through the real workflow (start, submit,
begin review, approve), so the score hooks run exactly as in production."""

import random

from assessments import services
from assessments.demo import demo_answer
from assessments.models import Answer
from vendors.models import Vendor

TIER_INTAKE = {
    1: {"personal_data": True, "sensitive_data": True},
    2: {"personal_data": True},
    3: {},
}


def make_vendor(owner, name, *, tier=3, **fields):
    return Vendor.objects.create(name=name, owner=owner, **TIER_INTAKE[tier], **fields)


def full_marks(item):
    """An answer worth full marks (or just an answer, for unscored items)."""
    kind = item.answer_type
    if kind == "yes_no":
        return "yes"
    if kind == "single_choice":
        return max(item.choices, key=lambda c: c["score"])["value"]
    if kind == "multi_choice":
        chosen, total = [], 0.0
        for choice in sorted(item.choices, key=lambda c: -c["score"]):
            if total >= 1:
                break
            chosen.append(choice["value"])
            total += choice["score"]
        return chosen
    if kind == "number":
        return item.thresholds["full"]
    if kind == "date":
        return "2030-03-31"
    return "記述回答"


def fill(assessment, user, overrides=None, *, skip=()):
    """Start the assessment and answer every item with full marks, but for
    ``overrides`` ({code: value}) and the codes in ``skip`` (left unanswered)."""
    overrides = overrides or {}
    if assessment.status == "draft":
        services.apply_action(assessment, "start", user=user)
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            item=item,
            value=overrides.get(item.code, full_marks(item)),
            updated_by=user,
            revision=1,
        )
        for item in assessment.version.items.all()
        if item.code not in skip
    )
    return assessment


def fill_like_demo(assessment, user, *, quality, hours, subcontracts, seed):
    """Realistic answers, as `seed_demo` gives them."""
    rng = random.Random(seed)
    items = list(assessment.version.items.all())
    overrides = {i.code: demo_answer(i, rng, quality, hours, subcontracts) for i in items}
    return fill(assessment, user, overrides)


def submit(assessment, staff):
    return services.apply_action(assessment, "submit", user=staff)


def approve(assessment, manager):
    services.apply_action(assessment, "begin_review", user=manager)
    return services.apply_action(assessment, "approve", user=manager)


def approved_assessment(vendor, staff, manager, overrides=None, *, skip=()):
    assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
    fill(assessment, staff, overrides, skip=skip)
    submit(assessment, staff)
    return approve(assessment, manager)
