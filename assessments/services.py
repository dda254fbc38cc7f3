"""Assessments: starting (with carry-over), answering (with conflict detection), workflow."""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from questionnaires.checklists import current_version

from . import workflow
from .models import Answer, Assessment, ReviewNote
from .signals import workflow_step


def last_approved(vendor):
    """The vendor's last approved assessment, whose answers a new one may carry over."""
    return (
        Assessment.objects.filter(vendor=vendor, status=Assessment.Status.APPROVED)
        .order_by("-approved_at", "-pk")
        .first()
    )


@transaction.atomic
def start_assessment(
    vendor, *, user, checklist=None, reviewer=None, due_date=None, carry_over=True
):
    """A new assessment on the published version of ``checklist`` (by default the default
    checklist); answers of the vendor's last approved assessment are copied for items with
    the same code, marked carried over."""
    version = current_version(checklist)
    if version is None:
        raise ValidationError(_("No checklist version is published yet."))
    previous = last_approved(vendor)
    assessment = Assessment.objects.create(
        vendor=vendor,
        version=version,
        reviewer=reviewer,
        due_date=due_date,
        created_by=user,
        carried_from=previous if carry_over else None,
    )
    assessment.assessors.add(user)
    prefilled = _prefill_from_intake(assessment, vendor, version, user)
    if carry_over and previous:
        items = {item.code: item for item in version.items.all()}
        old = previous.answers.select_related("item")
        Answer.objects.bulk_create(
            Answer(
                assessment=assessment,
                item=items[a.item.code],
                value=a.value,
                comment=a.comment,
                carried_over=True,
                updated_by=user,
            )
            for a in old
            if a.item.code in items
            and a.item.code not in prefilled
            and items[a.item.code].answer_type == a.item.answer_type
        )
    return assessment


def _prefill_from_intake(assessment, vendor, version, user) -> set[str]:
    """Answer the scope items the vendor intake records (the intake describes the work
    as it is now, so it wins over a carried-over answer); the codes answered."""
    from .intake import intake_answers, vendor_intake

    items = {item.code: item for item in version.items.all()}
    answers = intake_answers(vendor_intake(vendor), {c: i.answer_type for c, i in items.items()})
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            item=items[code],
            value=value,
            from_intake=True,
            updated_by=user,
        )
        for code, value in answers.items()
    )
    return set(answers)


@dataclass
class AnswerConflict(Exception):
    """Someone else saved this answer since the user loaded it."""

    mine: object
    theirs: object
    theirs_by: object
    revision: int


def save_answer(
    assessment, item, *, value, comment="", base_revision=None, user=None, contact=None
):
    """Save one answer, given by a staff ``user`` or by a vendor ``contact`` through the
    portal. ``base_revision`` is the revision the person's page showed; when the stored
    answer has moved on since, nothing is written and AnswerConflict says what the other
    person saved."""
    if assessment.is_locked:
        raise PermissionDenied
    created = False
    with transaction.atomic():
        answer = _locked_answer(assessment, item)
        if answer is None:
            # The first save creates the answer whole: one audit entry, not a create
            # followed by an update.
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        assessment=assessment,
                        item=item,
                        value=value,
                        comment=comment,
                        updated_by=user,
                        answered_by_contact=contact,
                        revision=1,
                    )
            except IntegrityError:  # another first save won the race: update theirs
                answer = _locked_answer(assessment, item)
            else:
                created = True
        if not created:
            stale = base_revision is not None and answer.revision != base_revision
            if stale and (answer.value, answer.comment) != (value, comment):
                raise AnswerConflict(
                    mine=value,
                    theirs=answer.value,
                    theirs_by=answer.answered_by,
                    revision=answer.revision,
                )
            answer.value = value
            answer.comment = comment
            answer.carried_over = False
            answer.from_intake = False
            answer.updated_by = user
            answer.answered_by_contact = contact
            answer.revision = F("revision") + 1
            answer.save()
            answer.refresh_from_db(fields=["revision"])
    if assessment.status == Assessment.Status.DRAFT and user is None:
        _start_for_vendor(assessment)
    elif assessment.status == Assessment.Status.DRAFT:
        # The first answer starts the assessment, unless another first answer (another
        # tab, another person) already did: apply_action then refreshes the status.
        with contextlib.suppress(ValidationError):
            apply_action(assessment, "start", user=user)
    return answer


def _locked_answer(assessment, item):
    return Answer.objects.select_for_update().filter(assessment=assessment, item=item).first()


@transaction.atomic
def _start_for_vendor(assessment):
    """A vendor's first answer starts the assessment (the workflow table is for staff)."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").first()
    assessment.refresh_from_db()
    if assessment.status == Assessment.Status.DRAFT:
        assessment.status = Assessment.Status.IN_PROGRESS
        assessment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def apply_action(
    assessment,
    action,
    *,
    user,
    comment="",
    unanswered=(),
    conclusion="",
    conditions="",
    vendor_status="",
):
    """Move the assessment through the workflow, or raise PermissionDenied/ValidationError.

    Approving records the manager's ``conclusion`` (adopt, adopt with ``conditions``, do not
    adopt); the approval page requires one, callers without a page may leave it empty.
    With ``vendor_status`` the approval also moves the vendor on in its life cycle (e.g.
    candidate to active); ``assessment.vendor_moved_from`` then says from where."""
    if not workflow.role_may(action, user.role):
        raise PermissionDenied
    # A double click or two reviewers at once: the second waits for the first's row lock
    # (BEGIN IMMEDIATE on SQLite) and then sees the status it left, so nothing is
    # submitted or approved twice.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk").first()
    assessment.refresh_from_db()
    to = workflow.target(action, assessment.status, user.role)
    if to is None:
        # The right person at the wrong moment (a stale page, a second click): say why.
        raise ValidationError(
            _("“%(action)s” is not possible while the assessment is “%(status)s”.")
            % {"action": workflow.ACTION_LABELS[action], "status": assessment.get_status_display()}
        )
    if action == "submit" and unanswered:
        raise ValidationError(_("Answer every required item before submitting."))
    if action == "return" and not comment.strip():
        raise ValidationError(_("Say what must be corrected when returning an assessment."))
    if action == "approve":
        conclusion, conditions = _checked_conclusion(conclusion, conditions)
        _check_vendor_move(assessment.vendor, vendor_status, conclusion)
    now = timezone.now()
    assessment.status = to
    if action == "submit":
        assessment.submitted_at = now
    if action == "approve":
        assessment.approved_at = now
        assessment.approved_by = user
        assessment.conclusion, assessment.conditions = conclusion, conditions
    assessment.save()
    if action in ("submit", "approve"):
        _score_hooks(assessment, action)
    assessment.vendor_moved_from = None
    if action == "approve" and vendor_status:
        from vendors.services import move_after_approval

        vendor = assessment.vendor
        vendor.refresh_from_db(fields=["status"])
        assessment.vendor_moved_from = move_after_approval(
            vendor, vendor_status, assessment_id=assessment.pk
        )
    if comment.strip():
        ReviewNote.objects.create(assessment=assessment, author=user, action=action, text=comment)
    _announce(assessment, action, now)
    transaction.on_commit(
        lambda: workflow_step.send(
            sender=Assessment, assessment=assessment, action=action, user=user, comment=comment
        )
    )
    return assessment


def _check_vendor_move(vendor, status, conclusion):
    if not status:
        return
    if status not in vendor.statuses_after_approval():
        raise ValidationError(_("Choose one of the vendor statuses offered."))
    adopting = status in (vendor.Status.APPROVED, vendor.Status.ACTIVE)
    if conclusion == Assessment.Conclusion.DO_NOT_ADOPT and adopting:
        raise ValidationError(
            _("A vendor that is not to be adopted cannot become “%(status)s”.")
            % {"status": vendor.Status(status).label}
        )
    if status == vendor.Status.REJECTED and conclusion in (
        Assessment.Conclusion.ADOPT,
        Assessment.Conclusion.ADOPT_WITH_CONDITIONS,
    ):
        raise ValidationError(_("A vendor to be adopted cannot be marked rejected."))


def _checked_conclusion(conclusion, conditions):
    conclusion = conclusion or ""
    conditions = (conditions or "").strip()
    if conclusion not in ("", *Assessment.Conclusion.values):
        raise ValidationError(_("Choose one of the conclusions offered."))
    if conclusion == Assessment.Conclusion.ADOPT_WITH_CONDITIONS and not conditions:
        raise ValidationError(_("Write the conditions under which the vendor may be adopted."))
    if conclusion != Assessment.Conclusion.ADOPT_WITH_CONDITIONS:
        conditions = ""
    return conclusion, conditions


ANNOUNCED = {"submit": "submitted", "return": "returned", "approve": "approved"}


def _announce(assessment, action, when):
    if action in ANNOUNCED:
        from core import events

        events.emit(
            f"assessment.{ANNOUNCED[action]}",
            key=f"assessment:{assessment.pk}:{action}:{when.isoformat()}",
            payload={
                "assessment": assessment.pk,
                "vendor": assessment.vendor_id,
                "status": assessment.status,
                "score": assessment.score,
                "rating": assessment.rating,
                "at": when.isoformat(),
            },
        )


def _score_hooks(assessment, action):
    from .evaluation import evaluate
    from .findings import record_findings, snapshot_on_approval
    from .models import ScoringPolicy

    policy = ScoringPolicy.current()
    evaluation = evaluate(assessment, policy=policy)
    if action == "submit":
        record_findings(assessment, evaluation, policy)
    else:
        snapshot_on_approval(assessment, evaluation, policy)
