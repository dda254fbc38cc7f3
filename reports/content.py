"""What a report shows, gathered from the database, and the fingerprint of it.

The fingerprint hashes every value the PDF prints (answers, comments, evidence names,
findings, people, dates, vendor profile, certifications, contracts, checklist version,
scoring policy), together with the template version and the language. Two requests
with the same fingerprint would give the same PDF, so the second gets the first's file.
"""

import hashlib
import json

from auditlog.models import LogEntry
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
            assessment.conclusion,
            assessment.conditions,
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


FINGERPRINT_SHOWN = 16  # characters of the fingerprint the body prints; the data has it all


def fingerprint(assessment, language: str) -> str:
    state = {
        "state": assessment_state(assessment),
        "template": rendering.template_version(),
        "language": language,
        "issuer": rendering.issuer(language)["digest"],
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
    conclusion_label = (
        assessment.get_conclusion_display() if approved and assessment.conclusion else ""
    )
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
        "short_fingerprint": fingerprint[:FINGERPRINT_SHOWN],
        "issuer": rendering.issuer(language),
        "conclusion": assessment.conclusion if approved else "",
        "conclusion_label": conclusion_label,
        "sign_off": _sign_off(assessment, approved, language),
        "attachment_name": rendering.ATTACHMENT_NAME,
        "answers_json": answers_json(
            assessment,
            evaluation,
            language=language,
            fingerprint=fingerprint,
            generated_at=generated_at,
            approved=approved,
            figures={"score": score, "rating": rating, "residual_risk": residual},
        ),
        "page_counter": rendering.page_counter_css(),
        "title": _("Security assessment report: %(vendor)s")
        % {"vendor": vendor.display_name(language)},
    }


def _reviewed_at(assessment):
    """When the review began: the last change of the status to "in review"."""
    entries = (
        LogEntry.objects.get_for_object(assessment)
        .filter(action=LogEntry.Action.UPDATE)
        .order_by("-timestamp")[:50]
    )
    for entry in entries:
        change = (entry.changes_dict or {}).get("status") or [None, None]
        if change[-1] == Assessment.Status.IN_REVIEW:
            return entry.timestamp
    return None


def _sign_off(assessment, approved, language):
    """Prepared by, reviewed by, approved by: a name, a date and a box for a seal each.
    Japanese forms put the approver first (承認・審査・作成), English ones last."""
    assessors = [_person(u) for u in assessment.assessors.all()]
    reviewed = assessment.status in (Assessment.Status.IN_REVIEW, Assessment.Status.APPROVED)
    boxes = [
        {
            "role": _("Prepared by"),
            "name": "、".join(assessors) if language == "ja" else ", ".join(assessors),
            "date": assessment.submitted_at,
        },
        {
            "role": _("Reviewed by"),
            "name": _person(assessment.reviewer),
            "date": _reviewed_at(assessment) if reviewed else None,
        },
        {
            "role": _("Approved by"),
            "name": _person(assessment.approved_by) if approved else "",
            "date": assessment.approved_at if approved else None,
        },
    ]
    return list(reversed(boxes)) if language == "ja" else boxes


def answers_json(
    assessment, evaluation, *, language, fingerprint, generated_at, approved, figures
) -> bytes:
    """The answers and the figures of the report as data, embedded in the PDF (its
    "Data" attachment) so that an auditor can check the figures from the file alone."""
    result = evaluation.result
    vendor = assessment.vendor
    sections = {s.code: s for s in result.sections}
    document = {
        "format": "duediligence.assessment-answers",
        "format_version": 1,
        "language": language,
        "generated_at": timezone.localtime(generated_at).isoformat(),
        "fingerprint": fingerprint,
        "vendor": {
            "name": vendor.name,
            "name_en": vendor.name_en,
            "corporate_number": vendor.corporate_number,
            "inherent_tier": vendor.inherent_tier,
        },
        "assessment": {
            "id": assessment.pk,
            "checklist_version": str(assessment.version),
            "status": assessment.status,
            "approved": approved,
            "created_at": _iso(assessment.created_at),
            "submitted_at": _iso(assessment.submitted_at),
            "approved_at": _iso(assessment.approved_at),
            "approved_by": _person(assessment.approved_by),
            "reviewer": _person(assessment.reviewer),
            "conclusion": assessment.conclusion if approved else "",
            "conditions": assessment.conditions if approved else "",
        },
        "result": {
            "score": figures["score"],
            "rating": figures["rating"],
            "residual_risk": figures["residual_risk"] or "",
            "completeness": result.completeness,
            "knockouts": [k.item_code for k in result.knockouts],
            "sections": [
                {
                    "code": section.code,
                    "title": section.title,
                    "weight": section.weight,
                    "score": sections[section.code].score if section.code in sections else None,
                }
                for section in evaluation.sections
            ],
        },
        "answers": [
            {
                "section": row.item.section.code,
                "code": row.item.code,
                "question": row.item.question,
                "answer_type": row.item.answer_type,
                "weight": row.item.weight,
                "critical": row.item.critical,
                "applicable": row.visible,
                "value": row.value,
                "answer": row.display,
                "assessment_of_answer": str(row.label),
                "comment": row.comment,
                "evidence": [f.original_name for f in row.evidence],
            }
            for row in evaluation.item_rows()
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode()


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None
