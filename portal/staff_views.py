"""Staff's side of the portal: inviting, the invitation actions, reviewing vendor
answers one by one, and deciding remediation proposals. Every object is reached
through the assessment access rules (assessments.access)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from assessments.access import (
    assessments_visible_to,
    can_update_finding,
    findings_visible_to,
    get_assessment_for_user,
)
from assessments.evaluation import evaluate
from core import confirm
from core.access import visible_or_404
from vendors.models import StoredFile
from vendors.uploads import file_response

from . import services
from .forms import DecisionForm, InvitationForm, QuestionForm
from .models import AnswerReview, Invitation, RemediationProposal


def can_invite(user) -> bool:
    return user.has_perm("accounts.answer_assessments")


def can_review(user) -> bool:
    return user.has_perm("accounts.answer_assessments") or user.has_perm(
        "accounts.review_assessments"
    )


def _panel(assessment):
    return reverse("assessments:detail", args=[assessment.pk]) + "#invitations"


@role_required
def create(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    if not can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = [{"contact": c} for c in data["contacts"]]
        if data["new_email"]:
            people.append({"email": data["new_email"], "name": data["new_name"]})
        sent = 0
        try:
            for person in people:
                services.invite(
                    assessment,
                    user=request.user,
                    sections=data["sections"],
                    due_date=data["due_date"],
                    message=data["message"],
                    days=data["days"],
                    language=data["language"],
                    kind=data["kind"],
                    **person,
                )
                sent += 1
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s invitation(s) sent.") % {"count": sent})
            return redirect(_panel(assessment))
    return render(
        request,
        "portal/staff/invite.html",
        {"assessment": assessment, "form": form, "nav_active": "assessments"},
    )


ACTIONS = ("revoke", "extend", "resend")


def action(request, pk, name):
    # Only revoking has a page to GET (it asks first); the others stay POST only.
    if request.method != "POST" and name != "revoke":
        return HttpResponseNotAllowed(["POST"])
    return _action(request, pk, name)


@require_http_methods(["GET", "POST"])
@role_required
def _action(request, pk, name):
    invitation = visible_or_404(
        Invitation.objects.filter(
            assessment__in=assessments_visible_to(request.user).values("pk")
        ).select_related("assessment", "contact"),
        pk,
    )
    if not can_invite(request.user):
        raise PermissionDenied
    if name not in ACTIONS:
        raise Http404
    # Revoking cannot be undone: it asks first (core.confirm); the others are harmless.
    if name == "revoke" and not confirm.is_confirmed(request):
        return _confirm_revoke(request, invitation)
    try:
        if name == "revoke":
            services.revoke(invitation)
            messages.success(request, _("The invitation was revoked."))
        elif name == "extend":
            services.extend(invitation, days=request.POST.get("days") or None)
            messages.success(request, _("The link was extended."))
        else:
            services.resend(invitation, days=request.POST.get("days") or None)
            messages.success(request, _("A new link was sent; the old one no longer works."))
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(_panel(invitation.assessment))


def _confirm_revoke(request, invitation):
    if invitation.revoked_at:
        messages.info(request, _("The invitation is already revoked."))
        return redirect(_panel(invitation.assessment))
    titles = {s.code: s.title for s in invitation.assessment.version.sections.all()}
    if invitation.kind == Invitation.Kind.REMEDIATION:
        scope = invitation.get_kind_display()
    else:
        sections = [titles.get(code, code) for code in invitation.sections]
        scope = "、".join(sections) or _("Whole questionnaire")
    return confirm.confirmation_page(
        request,
        title=_("Revoke the invitation"),
        question=_(
            "Revoke the link of %(contact)s? It stops working at once, with the links it was "
            "delegated to; answers already given stay."
        )
        % {"contact": invitation.contact.name},
        action_url=request.path,
        confirm_label=_("Revoke"),
        cancel_url=_panel(invitation.assessment),
        details=[
            (_("Contact"), f"{invitation.contact.name} <{invitation.contact.email}>"),
            (_("Scope"), scope),
            (
                _("Link expires"),
                date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
            ),
        ],
        extra={"nav_active": "assessments"},
    )


@role_required
def review(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    evaluation = evaluate(assessment)
    reviews = {
        r.item_id: r
        for r in AnswerReview.objects.filter(assessment=assessment).prefetch_related(
            "messages__author", "messages__contact", "messages__file"
        )
    }
    rows = [
        {"row": row, "review": reviews.get(row.item.pk)}
        for row in evaluation.item_rows()
        if row.answer and (row.answer.answered_by_contact_id or row.item.pk in reviews)
    ]
    pending = sum(
        1
        for r in reviews.values()
        for m in r.messages.all()
        if m.author_id and m.released_at is None
    )
    return render(
        request,
        "portal/staff/review.html",
        {
            "assessment": assessment,
            "rows": rows,
            "pending": pending,
            "can_review": can_review(request.user),
            "question_form": QuestionForm(),
            "nav_active": "assessments",
        },
    )


@require_POST
@role_required
def review_item(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk)
    if not can_review(request.user):
        raise PermissionDenied
    item = get_object_or_404(assessment.version.items, code=code)
    target = reverse("invitations:review", args=[pk]) + f"#review-{code}"
    try:
        if request.POST.get("verdict") == "accept":
            services.accept_answer(assessment, item, user=request.user)
            messages.success(request, _("%(code)s accepted.") % {"code": code})
        else:
            form = QuestionForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([m for ms in form.errors.values() for m in ms])
            services.ask_question(
                assessment,
                item,
                user=request.user,
                text=form.cleaned_data["text"],
                file=form.cleaned_data["file"],
            )
            messages.success(
                request, _("Question saved; it reaches the vendor when you return the answers.")
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(target)


@require_POST
@role_required
def return_to_vendor(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    if not can_review(request.user):
        raise PermissionDenied
    try:
        count = services.return_to_vendor(assessment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(count)s question(s) were sent to the vendor.") % {"count": count}
        )
    return redirect("invitations:review", pk)


@role_required
def file(request, pk, file_pk):
    assessment = get_assessment_for_user(request.user, pk)
    stored = StoredFile.objects.filter(
        Q(pk=file_pk, deleted_at__isnull=True)
        & (
            Q(portal_upload__invitation__assessment=assessment)
            | Q(pk__in=assessment.answer_reviews.values("messages__file"))
        )
    ).first()
    if stored is None:
        raise Http404
    return file_response(stored)


@require_POST
@role_required
def decide(request, pk):
    proposal = visible_or_404(
        RemediationProposal.objects.filter(
            finding__in=findings_visible_to(request.user).values("pk")
        ).select_related("finding__item", "finding__owner"),
        pk,
    )
    if not can_update_finding(request.user, proposal.finding):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.decide(
            proposal, user=request.user, accept=request.POST.get("verdict") == "accept", note=note
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect(proposal.finding)
