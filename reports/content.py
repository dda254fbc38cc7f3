"""What a report shows, gathered from the database, and the fingerprint of it.

The fingerprint hashes every value the PDF prints (answers, comments, evidence names,
findings, people, dates, vendor profile, certifications, contracts, checklist version,
scoring policy), together with the template version and the language. Two requests
with the same fingerprint would give the same PDF, so the second gets the first's file.
"""

import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from assessments import scoring
from assessments.answers import display_answer
from assessments.evaluation import CONTRACT_CLAUSES, evaluate
from assessments.models import Answer, Assessment, Finding, ScoringPolicy
from incidents.models import Incident
from vendors.risk import RESIDUAL_RISK_CHOICES

from . import rendering

# Residual risk and finding severity share the four levels and their labels.
RISK_LABELS = dict(RESIDUAL_RISK_CHOICES)
KNOCKOUT_LABELS = {
    scoring.KNOCKOUT_FAILED: gettext_lazy("not met"),
    scoring.KNOCKOUT_PARTIAL: gettext_lazy("only partly met"),
    scoring.KNOCKOUT_UNANSWERED: gettext_lazy("not answered"),
}
TOP_FINDINGS = 5


def _person(user) -> str:
    return str(user) if user else ""


def assessment_state(assessment) -> dict:
    """Every stored value the report prints, as plain JSON-able data."""
    vendor = assessment.vendor
    answers = Answer.objects.filter(assessment=assessment).order_by("item__code")
    evidence = Answer.evidence.through.objects.filter(answer__assessment=assessment).order_by(
        "answer__item__code", "storedfile__original_name", "storedfile_id"
    )
    today = timezone.localdate()
    return {
        "assessment": [
            assessment.pk,
            assessment.version_id,
            assessment.status,
            assessment.created_at,
            assessment.submitted_at,
            assessment.approved_at,
            _person(assessment.approved_by),
            _person(assessment.reviewer),
            assessment.due_date,
            assessment.score,
            assessment.rating,
            assessment.residual_risk,
            assessment.next_reassessment_on,
            assessment.snapshot,
        ],
        "assessors": sorted(_person(u) for u in assessment.assessors.all()),
        "vendor": [
            vendor.pk,
            vendor.name,
            vendor.name_en,
            vendor.corporate_number,
            vendor.engagement,
            vendor.inherent_tier,
        ],
        "certifications": [
            [c.kind, c.registration_number, c.certification_body, c.valid_from, c.valid_until]
            + [c.state_on(today)]
            for c in vendor.certifications.order_by("pk")
        ],
        "answers": list(answers.values_list("item__code", "value", "comment")),
        "evidence": list(
            evidence.values_list(
                "answer__item__code", "storedfile__original_name", "storedfile__deleted_at"
            )
        ),
        "findings": list(
            Finding.objects.filter(assessment=assessment)
            .order_by("item__code")
            .values_list("item__code", "severity", "status")
        ),
        "notes": list(
            assessment.review_notes.order_by("pk").values_list(
                "action", "text", "created_at", "author__last_name", "author__first_name"
            )
        ),
        "policy": ScoringPolicy.current().updated_at,
        "incidents": list(
            Incident.objects.filter(vendor=vendor)
            .order_by("aware_at", "pk")
            .values_list("pk", "title", "status", "reportable", "cases", "aware_at", "closed_at")
        ),
    }


def fingerprint(assessment, language: str) -> str:
    state = {
        "state": assessment_state(assessment),
        "template": rendering.template_version(),
        "language": language,
    }
    data = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def report_context(assessment, language: str, *, fingerprint: str, generated_at) -> dict:
    """The template context, built under the report's language."""
    with override(language):
        return _context(assessment, language, fingerprint, generated_at)


def _context(assessment, language, fingerprint, generated_at):
    evaluation = evaluate(assessment)
    result = evaluation.result
    vendor = assessment.vendor
    items = evaluation.items_by_code
    approved = assessment.status == Assessment.Status.APPROVED and bool(assessment.snapshot)
    score = assessment.score if approved else result.overall
    rating = assessment.rating if approved else result.rating
    residual = assessment.residual_risk if approved else evaluation.residual_risk

    stored_findings = {
        f.item_id: f for f in Finding.objects.filter(assessment=assessment).select_related("item")
    }
    findings = []
    for draft in sorted(
        result.findings, key=lambda d: (scoring.SEVERITIES.index(d.severity), d.item_code)
    ):
        item = items.get(draft.item_code)
        if item is None:
            continue
        stored = stored_findings.get(item.pk)
        answer = evaluation.answers.get(item.code)
        findings.append(
            {
                "item": item,
                "severity": draft.severity,
                "severity_label": RISK_LABELS[draft.severity],
                "answer": display_answer(item, answer.value) if answer else "—",
                "status": stored.get_status_display() if stored else "",
            }
        )
    by_severity = [
        (level, RISK_LABELS[level], [f for f in findings if f["severity"] == level])
        for level in scoring.SEVERITIES
    ]

    sections = [
        {"section": section, "score": section_score, "rows": evaluation.item_rows(section)}
        for section, section_score in evaluation.section_rows()
    ]
    clauses = [
        {"title": title, "rows": rows}
        for title, codes in CONTRACT_CLAUSES
        if (rows := evaluation.item_rows(codes=codes))
    ]

    today = timezone.localdate()
    certifications = [
        {"cert": c, "state": c.state_on(today), "state_label": c.State(c.state_on(today)).label}
        for c in vendor.certifications.all()
    ]
    approval_note = (
        assessment.review_notes.filter(action="approve").select_related("author").last()
        if approved
        else None
    )
    return {
        "language": language,
        "assessment": assessment,
        "vendor": vendor,
        "vendor_name": vendor.display_name(language),
        "approved": approved,
        "score": score,
        "rating": rating,
        "residual_risk": residual,
        "residual_label": RISK_LABELS.get(residual or "", _("Not assessed")),
        "result": result,
        "knockouts": [
            {"item": item, "reason": KNOCKOUT_LABELS.get(k.reason, k.reason)}
            for item, k in evaluation.knockout_rows()
        ],
        "chart_svg": evaluation.chart_svg(title=_("Score by section")),
        "sections": sections,
        "findings": findings,
        "top_findings": findings[:TOP_FINDINGS],
        "findings_by_severity": by_severity,
        "clauses": clauses,
        "certifications": certifications,
        "incidents": list(Incident.objects.filter(vendor=vendor).order_by("-aware_at", "-pk")),
        "assessors": [_person(u) for u in assessment.assessors.all()],
        "approval_note": approval_note,
        "generated_at": timezone.localtime(generated_at),
        "fingerprint": fingerprint,
        "page_counter": rendering.page_counter_css(),
        "title": _("Security assessment report: %(vendor)s")
        % {"vendor": vendor.display_name(language)},
    }
