"""Invitations and everything a vendor contact does through them: the link and its
code, answering (through ``assessments.services.save_answer``), submitting,
delegating, replying to staff's questions and proposing remediation; and staff's
side of it: revoking, extending, re-sending, reviewing answer by answer, returning.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from assessments import services as assessment_services
from assessments import workbook
from assessments.findings import update_finding
from assessments.models import Assessment, Finding
from core import events
from core.xlsx import check_size
from vendors.models import Contact
from vendors.uploads import store_upload

from . import emails, notices, ratelimit
from .models import AnswerReview, Invitation, PortalUpload, RemediationProposal, ReviewMessage

MAX_TEXT = 5000
CLOSED = (Finding.Status.ACCEPTED, Finding.Status.RESOLVED)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(invitation, code: str) -> str:
    return salted_hmac("portal.code", f"{invitation.pk}:{code}").hexdigest()


def _days(days) -> int:
    days = settings.PORTAL_LINK_DAYS if days is None else int(days)
    if not 1 <= days <= 365:
        raise ValidationError(_("A link is valid for 1 to 365 days."))
    return days


def _text(value: str, label) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("Keep %(field)s under %(limit)s characters.") % {"field": label, "limit": MAX_TEXT}
        )
    return value


# Invitations (staff's side)


def contact_for(vendor, *, email: str, name: str = "") -> Contact:
    """The vendor's contact with this e-mail address, or a new contact for it."""
    email = email.strip()
    contact = vendor.contacts.filter(email__iexact=email).order_by("pk").first()
    if contact is None:
        contact = Contact.objects.create(
            vendor=vendor, name=(name.strip() or email.split("@")[0])[:100], email=email
        )
    return contact


def _check_scope(assessment, kind, sections):
    codes = set(assessment.version.sections.values_list("code", flat=True))
    unknown = [c for c in sections if c not in codes]
    if unknown:
        raise ValidationError(
            _("No such section in this questionnaire: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if kind == Invitation.Kind.QUESTIONNAIRE and assessment.is_locked:
        raise ValidationError(_("Vendors can be invited to answer only while it is answered."))
    if kind == Invitation.Kind.REMEDIATION:
        if assessment.status != Assessment.Status.APPROVED:
            raise ValidationError(_("Vendors are invited to the findings after approval."))
        if not assessment.findings.exclude(status__in=CLOSED).exists():
            raise ValidationError(_("This assessment has no findings to remediate."))


def invite(
    assessment,
    *,
    user=None,
    contact=None,
    email="",
    name="",
    sections=(),
    due_date=None,
    message="",
    days=None,
    language=None,
    kind=Invitation.Kind.QUESTIONNAIRE,
    parent=None,
):
    """Create an invitation and e-mail its link; return (invitation, token). The token
    exists only in the e-mail (and in the return value, for ``--print-link``)."""
    sections = list(dict.fromkeys(sections))
    _check_scope(assessment, kind, sections)
    message = _text(message, _("the message"))
    days = _days(days)
    with transaction.atomic():
        if contact is None:
            contact = contact_for(assessment.vendor, email=email, name=name)
        if not contact.email:
            raise ValidationError(_("This contact has no e-mail address."))
        token = secrets.token_urlsafe(32)  # 256 bits
        now = timezone.now()
        invitation = Invitation.objects.create(
            assessment=assessment,
            contact=contact,
            parent=parent,
            kind=kind,
            sections=sections,
            message=message,
            due_date=due_date,
            language=language or (parent.language if parent else settings.LANGUAGE_CODE),
            token_hash=hash_token(token),
            expires_at=now + timedelta(days=days),
            created_by=user,
        )
    _send_link(invitation, token)
    return invitation, token


def _send_link(invitation, token):
    emails.send_invitation(invitation, token)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    invitation.refresh_from_db()


def resend(invitation, *, days=None):
    """A new link (the old one stops working, as does any portal session on it)."""
    if invitation.revoked_at:
        raise ValidationError(_("A revoked invitation cannot be sent again; invite anew."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.session_epoch = F("session_epoch") + 1
    invitation.code_hash = ""
    invitation.code_tries = 0
    invitation.expires_at = timezone.now() + timedelta(days=_days(days))
    invitation.save()
    _send_link(invitation, token)
    return token


def extend(invitation, *, days=None):
    if invitation.revoked_at:
        raise ValidationError(_("A revoked invitation cannot be extended."))
    start = max(invitation.expires_at, timezone.now())
    invitation.expires_at = start + timedelta(days=_days(days))
    invitation.save(update_fields=["expires_at"])
    return invitation


@transaction.atomic
def revoke(invitation):
    now = timezone.now()
    for row in [invitation, *invitation.delegations.filter(revoked_at__isnull=True)]:
        if row.revoked_at is None:
            row.revoked_at = now
            row.session_epoch = F("session_epoch") + 1
            row.save(update_fields=["revoked_at", "session_epoch"])
            row.refresh_from_db()
    return invitation


# The link and the code


def find_by_token(token: str):
    return (
        Invitation.objects.select_related("contact", "assessment__vendor", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def issue_code(invitation) -> bool:
    """E-mail a new code unless one still valid was sent or too many were sent this
    hour; return whether one was sent."""
    if ratelimit.exceeded("codes", invitation.pk, settings.PORTAL_CODES_PER_HOUR):
        raise ValidationError(
            _("Too many codes were requested. Wait an hour, or ask the person who invited you.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    invitation.code_hash = _code_hash(invitation, code)
    invitation.code_expires_at = timezone.now() + timedelta(minutes=settings.PORTAL_CODE_MINUTES)
    invitation.code_tries = 0
    invitation.save(update_fields=["code_hash", "code_expires_at", "code_tries"])
    ratelimit.hit("codes", invitation.pk)
    emails.send_code(invitation, code)
    return True


def has_live_code(invitation) -> bool:
    return bool(
        invitation.code_hash
        and invitation.code_expires_at
        and invitation.code_expires_at > timezone.now()
        and invitation.code_tries < settings.PORTAL_CODE_TRIES
    )


def mark_opened(invitation):
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    Invitation.objects.filter(pk=invitation.pk).update(last_activity_at=now)
    invitation.refresh_from_db()


def verify_code(invitation, code: str, *, address) -> None:
    """Accept the code or raise ValidationError saying what to do next."""
    too_many = _(
        "Too many attempts. Wait an hour and try again, or ask the person who invited you."
    )
    if ratelimit.guesses_exceeded(address, invitation):
        raise ValidationError(too_many, code="rate_limited")
    code = "".join(ch for ch in (code or "") if ch.isdigit() and ch.isascii())
    with transaction.atomic():
        row = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not row.code_hash or not row.code_expires_at or row.code_expires_at <= timezone.now():
            raise ValidationError(_("This code has expired. Ask for a new code."), code="expired")
        if row.code_tries >= settings.PORTAL_CODE_TRIES:
            raise ValidationError(
                _("Too many wrong codes. Ask for a new code."), code="too_many_tries"
            )
        if len(code) != 6 or not hmac.compare_digest(row.code_hash, _code_hash(row, code)):
            row.code_tries += 1
            row.save(update_fields=["code_tries"])
            left = settings.PORTAL_CODE_TRIES - row.code_tries
            wrong = True
        else:
            wrong = False
            now = timezone.now()
            row.code_hash = ""  # one use only
            row.verified_at = row.verified_at or now
            row.last_activity_at = now
            row.save(update_fields=["code_hash", "verified_at", "last_activity_at"])
    if wrong:
        ratelimit.wrong_guess(address, invitation)
        if left <= 0:
            raise ValidationError(
                _("Too many wrong codes. Ask for a new code."), code="too_many_tries"
            )
        raise ValidationError(
            _("This code is not correct. %(left)s tries left.") % {"left": left}, code="wrong"
        )
    invitation.refresh_from_db()


# Answering


def scope_sections(invitation):
    sections = invitation.assessment.version.sections.order_by("position")
    if invitation.sections:
        sections = sections.filter(code__in=invitation.sections)
    return sections


def can_answer(invitation) -> bool:
    return (
        invitation.kind == Invitation.Kind.QUESTIONNAIRE
        and invitation.submitted_at is None
        and not invitation.assessment.is_locked
    )


def _touch(invitation, *, started=False):
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(last_activity_at=now)
    if started:
        Invitation.objects.filter(pk=invitation.pk, started_at__isnull=True).update(started_at=now)


def _check_item(invitation, item):
    if item.version_id != invitation.assessment.version_id or not invitation.covers(
        item.section.code
    ):
        raise PermissionDenied
    if not can_answer(invitation):
        raise ValidationError(_("Your answers are submitted and locked."), code="locked")


def save_answer(invitation, item, *, value, comment, base_revision):
    _check_item(invitation, item)
    answer = assessment_services.save_answer(
        invitation.assessment,
        item,
        value=value,
        comment=comment,
        base_revision=base_revision,
        contact=invitation.contact,
    )
    _touch(invitation, started=True)
    return answer


def add_evidence(invitation, item, upload):
    from assessments.models import Answer

    _check_item(invitation, item)
    with transaction.atomic():
        stored = store_upload(upload, folder=f"assessments/{invitation.assessment_id}")
        PortalUpload.objects.create(
            stored_file=stored, invitation=invitation, contact=invitation.contact
        )
        answer, _created = Answer.objects.get_or_create(
            assessment=invitation.assessment,
            item=item,
            defaults={"answered_by_contact": invitation.contact},
        )
        answer.evidence.add(stored)
    _touch(invitation, started=True)
    return stored


# The questionnaire workbook, downloaded and uploaded filled in


def _workbook_signer(invitation) -> str:
    # Only this invitation's portal session (of this link generation) can confirm it.
    return f"portal-invitation:{invitation.pk}:{invitation.session_epoch}"


def workbook_for(invitation, *, language) -> bytes:
    """The questionnaire of the invitation's sections, with the answers so far."""
    if invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise PermissionDenied
    return workbook.build_workbook(
        invitation.assessment, language=language, sections=invitation.sections or None
    )


def read_workbook(invitation, upload):
    """A preview (WorkbookPlan) of what the filled workbook would change, with a
    problem for each row outside the invitation's sections; raises WorkbookError or
    SpreadsheetRefused for a file refused whole. Nothing is written."""
    if not can_answer(invitation):
        raise ValidationError(_("Your answers are submitted and locked."), code="locked")
    check_size(upload.size)
    plan = workbook.read_workbook(upload.read(), upload.name, invitation.assessment)
    sections = dict(invitation.assessment.version.items.values_list("code", "section__code"))
    for change in plan.changes:
        if change.kind != "unchanged" and not invitation.covers(sections.get(change.code, "")):
            plan.problems.append(
                workbook.Problem(
                    change.sheet,
                    f"A{change.row}",
                    _("Item %(code)s is not in the sections you were asked to answer.")
                    % {"code": change.code},
                )
            )
    for change in plan.changes:
        # Our staff stay nameless to the vendor.
        if change.theirs_by:
            change.theirs_by = _("the requesting company")
    return plan


def workbook_token(invitation, plan) -> str:
    return plan.to_token(_workbook_signer(invitation))


def confirm_workbook(invitation, token: str, *, overwrite=()) -> dict:
    """Write a confirmed preview, every answer as given by the invitation's contact,
    or nothing (WorkbookError says why)."""
    if not can_answer(invitation):
        raise ValidationError(_("Your answers are submitted and locked."), code="locked")
    plan = workbook.WorkbookPlan.from_token(
        token, invitation.assessment, _workbook_signer(invitation)
    )
    written = workbook.apply_plan(
        invitation.assessment, plan, contact=invitation.contact, overwrite=set(overwrite)
    )
    _touch(invitation, started=True)
    return written


def unanswered_in_scope(invitation, evaluation):
    return [i for i in evaluation.unanswered_items() if invitation.covers(i.section.code)]


@transaction.atomic
def submit(invitation, *, unanswered=()):
    row = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if row.submitted_at:
        raise ValidationError(_("These answers were already submitted."))
    if not can_answer(row):
        raise ValidationError(_("Your answers are submitted and locked."))
    if unanswered:
        raise ValidationError(_("Answer every required question before submitting."))
    row.submitted_at = row.last_activity_at = timezone.now()
    row.save(update_fields=["submitted_at", "last_activity_at"])
    invitation.refresh_from_db()
    # Owner and assigned staff hear of it through notifications (preferences, digest,
    # never twice); its e-mails go out after commit.
    notices.notify_submitted(invitation)
    # Webhooks (api) hear of it through the shared event registry.
    events.emit(
        "vendor.submitted",
        key=f"invitation:{row.pk}:submitted:{row.submitted_at.isoformat()}",
        payload={
            "invitation": row.pk,
            "assessment": row.assessment_id,
            "vendor": row.assessment.vendor_id,
        },
    )
    return invitation


# Delegation


def delegate(invitation, *, section_code, name, email, message=""):
    if invitation.parent_id or invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise PermissionDenied
    if not invitation.covers(section_code):
        raise ValidationError(_("Choose one of your sections."))
    if email.strip().lower() == invitation.contact.email.lower():
        raise ValidationError(_("Give a colleague's e-mail address, not your own."))
    days = max(1, (invitation.expires_at - timezone.now()).days)
    child, _token = invite(
        invitation.assessment,
        user=invitation.created_by,
        email=email,
        name=name,
        sections=[section_code],
        due_date=invitation.due_date,
        message=message,
        days=days,
        language=invitation.language,
        parent=invitation,
    )
    return child


# Review, answer by answer


def ask_question(assessment, item, *, user, text, file=None):
    text = _text(text, _("the question"))
    if not text:
        raise ValidationError(_("Write the question."))
    with transaction.atomic():
        review, _created = AnswerReview.objects.get_or_create(
            assessment=assessment, item=item, defaults={"status": AnswerReview.Status.QUESTION}
        )
        review.status = AnswerReview.Status.QUESTION
        review.save()
        stored = store_upload(file, folder=f"reviews/{assessment.pk}", user=user) if file else None
        ReviewMessage.objects.create(review=review, author=user, text=text, file=stored)
    return review


def accept_answer(assessment, item, *, user):
    review, _created = AnswerReview.objects.get_or_create(
        assessment=assessment, item=item, defaults={"status": AnswerReview.Status.ACCEPTED}
    )
    review.status = AnswerReview.Status.ACCEPTED
    review.save()
    return review


def return_to_vendor(assessment, *, user) -> int:
    """Send the open questions to the vendor: each invitation that covers a question's
    item opens again and its contact is told. Returns the number of questions sent."""
    now = timezone.now()
    with transaction.atomic():
        pending = ReviewMessage.objects.filter(
            review__assessment=assessment, author__isnull=False, released_at__isnull=True
        ).select_related("review__item__section")
        sections = {m.review.item.section.code for m in pending}
        count = len(pending)
        if not count:
            raise ValidationError(_("There is no new question to send."))
        pending.update(released_at=now)
        reached = [
            invitation
            for invitation in assessment.invitations.filter(
                kind=Invitation.Kind.QUESTIONNAIRE, revoked_at__isnull=True, expires_at__gt=now
            ).select_related("contact")
            if any(invitation.covers(code) for code in sections)
        ]
        for invitation in reached:
            invitation.submitted_at = None
            invitation.save(update_fields=["submitted_at"])
    for invitation in reached:
        emails.send_returned(invitation, count)
    return count


def questions_for(invitation):
    """The released threads on items of the invitation's sections."""
    reviews = (
        AnswerReview.objects.filter(
            assessment=invitation.assessment, messages__released_at__isnull=False
        )
        .select_related("item__section")
        .prefetch_related("messages__file", "messages__contact")
        .distinct()
        .order_by("item__section__position", "item__position")
    )
    return [r for r in reviews if invitation.covers(r.item.section.code)]


def reply(invitation, review, *, text, file=None):
    if review.assessment_id != invitation.assessment_id or not invitation.covers(
        review.item.section.code
    ):
        raise PermissionDenied
    if not review.messages.filter(released_at__isnull=False).exists():
        raise PermissionDenied
    if invitation.submitted_at:
        raise ValidationError(_("Your answers are submitted and locked."))
    text = _text(text, _("the reply"))
    if not text:
        raise ValidationError(_("Write your reply."))
    with transaction.atomic():
        stored = None
        if file:
            stored = store_upload(file, folder=f"reviews/{invitation.assessment_id}")
            PortalUpload.objects.create(
                stored_file=stored, invitation=invitation, contact=invitation.contact
            )
        message = ReviewMessage.objects.create(
            review=review,
            contact=invitation.contact,
            text=text,
            file=stored,
            released_at=timezone.now(),
        )
        review.status = AnswerReview.Status.ANSWERED
        review.save()
        notices.notify_replied(invitation, message)
    _touch(invitation)
    return review


# Remediation


def open_findings(invitation):
    return (
        invitation.assessment.findings.exclude(status__in=CLOSED)
        .select_related("item__section")
        .prefetch_related("proposals__evidence")
    )


def propose(invitation, finding, *, plan, target_date, files=()):
    if invitation.kind != Invitation.Kind.REMEDIATION or finding.assessment_id != (
        invitation.assessment_id
    ):
        raise PermissionDenied
    plan = _text(plan, _("the plan"))
    if not plan:
        raise ValidationError(_("Describe the remediation plan."))
    if target_date is None or target_date < timezone.localdate():
        raise ValidationError(_("Give a target date from today on."))
    with transaction.atomic():
        finding.proposals.filter(status=RemediationProposal.Status.PROPOSED).update(
            status=RemediationProposal.Status.REJECTED,
            decision_note=_("Replaced by a newer proposal."),
        )
        proposal = RemediationProposal.objects.create(
            finding=finding,
            invitation=invitation,
            contact=invitation.contact,
            plan=plan,
            target_date=target_date,
        )
        for upload in files:
            stored = store_upload(upload, folder=f"findings/{finding.pk}")
            PortalUpload.objects.create(
                stored_file=stored, invitation=invitation, contact=invitation.contact
            )
            proposal.evidence.add(stored)
    _touch(invitation, started=True)
    return proposal


@transaction.atomic
def decide(proposal, *, user, accept: bool, note=""):
    if proposal.status != RemediationProposal.Status.PROPOSED:
        raise ValidationError(_("This proposal was already decided."))
    note = _text(note, _("the note"))
    if not accept and not note:
        raise ValidationError(_("Say why the plan is rejected, so the vendor can improve it."))
    proposal.status = (
        RemediationProposal.Status.ACCEPTED if accept else RemediationProposal.Status.REJECTED
    )
    proposal.decision_note = note
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save()
    if accept:
        finding = proposal.finding
        # The vendor's date becomes the finding's due date; accepting risk stays with
        # managers on the finding page.
        update_finding(
            finding,
            status=Finding.Status.PLANNED,
            owner=finding.owner,
            due_date=proposal.target_date,
            remediation_plan=proposal.plan,
            closing_note=finding.closing_note,
        )
    return proposal
