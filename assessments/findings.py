"""Findings from a submitted assessment, the score snapshot at approval, and the
life of a finding (open -> remediation planned -> resolved or risk accepted)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoring
from .models import Finding


@transaction.atomic
def record_findings(assessment, evaluation, policy=None) -> None:
    """Store one finding per item below full marks; on resubmission, findings of items
    now at full marks go away unless someone already worked on them.

    A new finding belongs to the vendor's owner and is due the policy's days for its
    severity after today; an untouched one whose severity changed follows the new one."""
    from .models import ScoringPolicy

    days = (policy or ScoringPolicy.current()).finding_due_days
    vendor_owner_id = assessment.vendor.owner_id
    today = timezone.localdate()
    items = evaluation.items_by_code
    drafts = {d.item_code: d for d in evaluation.result.findings}
    existing = {f.item.code: f for f in assessment.findings.select_related("item")}
    for code, finding in existing.items():
        if code not in drafts and not _worked_on(finding, vendor_owner_id):
            finding.delete()
    for code, draft in drafts.items():
        finding = existing.get(code)
        if finding is None:
            finding = Finding(
                assessment=assessment,
                vendor_id=assessment.vendor_id,
                item=items[code],
                owner_id=vendor_owner_id,
                due_date=scoring.finding_due_date(today, draft.severity, days),
            )
        elif finding.severity != draft.severity and not _worked_on(finding, vendor_owner_id):
            found_on = timezone.localdate(finding.created_at)
            finding.due_date = scoring.finding_due_date(found_on, draft.severity, days)
        finding.severity = draft.severity
        finding.value = draft.value
        finding.unanswered = draft.unanswered
        finding.save()


def _worked_on(finding, vendor_owner_id) -> bool:
    """Someone moved it on, handed it to another owner or wrote a plan: keep it even if
    fixed. The vendor's owner is every finding's owner from the start, so not work."""
    return (
        finding.status != Finding.Status.OPEN
        or finding.owner_id not in (None, vendor_owner_id)
        or bool(finding.remediation_plan.strip() or finding.closing_note.strip())
    )


@transaction.atomic
def snapshot_on_approval(assessment, evaluation, policy) -> None:
    """Freeze score, rating and residual risk on the assessment and on its vendor."""
    result = evaluation.result
    approved_on = timezone.localdate(assessment.approved_at or timezone.now())
    level = evaluation.residual_risk
    next_on = scoring.next_reassessment(approved_on, level, policy.reassessment_months)
    assessment.score = result.overall
    assessment.rating = result.rating
    assessment.residual_risk = level
    assessment.next_reassessment_on = next_on
    assessment.snapshot = {
        "overall": result.overall,
        "rating": result.rating,
        "uncapped_rating": result.uncapped_rating,
        "capped": result.capped,
        "completeness": result.completeness,
        "sections": [
            {"code": s.code, "score": s.score, "weight": s.weight} for s in result.sections
        ],
        "knockouts": [
            {"item": k.item_code, "value": k.value, "reason": k.reason} for k in result.knockouts
        ],
        "tier": assessment.vendor.inherent_tier,
        "residual_risk": level,
        "bands": policy.bands,
        "critical_cap": policy.critical_cap,
        "residual_matrix": policy.residual_matrix,
    }
    assessment.save(
        update_fields=["score", "rating", "residual_risk", "next_reassessment_on", "snapshot"]
    )
    vendor = assessment.vendor
    vendor.current_score = result.overall
    vendor.current_rating = result.rating
    vendor.current_residual_risk = level
    vendor.last_assessed_on = approved_on
    vendor.next_reassessment_on = next_on
    vendor.save(
        update_fields=[
            "current_score",
            "current_rating",
            "current_residual_risk",
            "last_assessed_on",
            "next_reassessment_on",
            "updated_at",
        ]
    )


def finding_evidence(finding):
    """The answer that caused the finding, with who gave it and its evidence files, or
    None when the item was left unanswered. Three queries, whatever the evidence."""
    from .answers import display_answer
    from .models import Answer

    answer = (
        Answer.objects.filter(assessment_id=finding.assessment_id, item_id=finding.item_id)
        .select_related("updated_by", "answered_by_contact")
        .prefetch_related("evidence")
        .first()
    )
    if answer is not None:
        answer.display = display_answer(finding.item, answer.value)
    return answer


CLOSING = (Finding.Status.ACCEPTED, Finding.Status.RESOLVED)


def update_finding(finding, *, status, owner, due_date, remediation_plan, closing_note):
    if status in CLOSING and not closing_note.strip():
        raise ValidationError(
            _("Explain why the finding is resolved or the risk accepted."), code="note_required"
        )
    finding.status = status
    finding.owner = owner
    finding.due_date = due_date
    finding.remediation_plan = remediation_plan
    finding.closing_note = closing_note
    finding.save()
    return finding
