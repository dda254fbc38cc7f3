"""Demo assessments for `seed_demo`: three phone-answering candidates approved with
different results, and others in progress, submitted and in review."""

import random
from datetime import timedelta

from django.utils import timezone

from questionnaires.checklists import current_version, install_default_checklist

from .models import Assessment
from .services import apply_action, save_answer, start_assessment

# vendor English name prefix -> (quality 0..1, final state, breach-report hours, subcontracts)
PLAN = {
    "Sakura Call Service": (0.92, "approved", 12, False),
    "Midori Phone Secretary": (0.7, "approved", 48, True),
    "Aozora Telesupport": (0.45, "approved", 96, True),
    "Hikari BPO Solutions": (0.8, "in_review", 24, False),
    "Tsubame Printing": (0.6, "submitted", 72, False),
    "Kumo Cloud": (0.75, "in_progress", 24, False),
}
COMMENTS = [
    "規程と記録を確認済み。",
    "担当者へのヒアリングで確認。",
    "証跡の提出を依頼中。",
    "現地確認で運用を確認した。",
]


def demo_answer(item, rng, quality, hours, subcontracts):
    if item.code == "SUB-01":
        return "yes" if subcontracts else "no"
    kind = item.answer_type
    roll = rng.random()
    if kind == "yes_no":
        return "yes" if roll < quality else ("partial" if roll < quality + 0.15 else "no")
    if kind == "ipa_scale":
        return "done" if roll < quality else ("partly" if roll < quality + 0.15 else "unknown")
    if kind == "number":
        return hours
    if kind == "date":
        return (timezone.localdate() + timedelta(days=rng.randint(30, 700))).isoformat()
    if kind == "text":
        return (
            "過去3年間、重大な事故はありません。"
            if item.code != "SUB-06"
            else "株式会社サンプル(東京都)"
        )
    ranked = sorted(item.choices, key=lambda c: -c["score"])
    if kind == "single_choice":
        index = 0 if roll < quality else (1 if roll < quality + 0.2 else len(ranked) - 1)
        return ranked[min(index, len(ranked) - 1)]["value"]
    count = max(1, round(len(ranked) * quality))
    return [c["value"] for c in ranked[:count]]


def seed(users, options, out):
    from vendors.models import Vendor

    install_default_checklist(users["admin"])
    if Assessment.objects.exists() or current_version() is None:
        return
    staff, manager = users["staff1"], users["manager"]
    for prefix, (quality, state, hours, subcontracts) in PLAN.items():
        vendor = Vendor.objects.filter(name_en__startswith=prefix).first()
        if vendor is None:
            continue
        rng = random.Random(prefix)  # noqa: S311 - demo data, reproducible
        assessment = start_assessment(
            vendor, user=staff, reviewer=manager, due_date=timezone.localdate() + timedelta(days=14)
        )
        items = list(assessment.version.items.select_related("section"))
        for item in items:
            value = demo_answer(item, rng, quality, hours, subcontracts)
            save_answer(assessment, item, value=value, comment=rng.choice(COMMENTS), user=staff)
        if state == "in_progress":
            continue
        apply_action(assessment, "submit", user=staff)
        if state == "submitted":
            continue
        apply_action(assessment, "begin_review", user=manager)
        if state == "approved":
            apply_action(assessment, "approve", user=manager, comment="内容を確認し承認します。")
    out.write(f"Assessments: {Assessment.objects.count()} in all.")
