"""The vendor's pages under /portal/. Nothing here reads request.user: a vendor contact
has no account, and staff signed in on the same browser get no portal rights from it.
Every page is for the one invitation of the portal session, and every object in a
URL is looked up within that invitation's scope (404 otherwise)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.events import client_address
from assessments.answering import answer_saved_response, number_sent
from assessments.answers import (
    AnswerError,
    display_answer,
    parse_answer,
    parse_comment,
    yes_no_options,
)
from assessments.evaluation import evaluate
from assessments.services import AnswerConflict
from assessments.workbook import WorkbookError, describe, workbook_filename
from assessments.workbook_views import WorkbookUploadForm
from core.xlsx import SpreadsheetRefused, xlsx_response
from incidents import services as incident_services
from incidents.forms import ContactIncidentForm
from incidents.models import Incident, IncidentStep
from vendors.forms import UploadField
from vendors.models import StoredFile
from vendors.uploads import file_response

from . import audit, ratelimit, services
from .forms import CodeForm, DelegateForm, ProposalForm, ReplyForm
from .models import AnswerReview, Invitation, PortalUpload
from .sessions import PortalSession


def _closed(request, invitation, reason):
    return render(
        request,
        "portal/closed.html",
        {"reason": reason, "inviter": invitation.created_by},
        status=410,
    )


def portal_page(view=None, *, verified=True):
    """The request's portal session, open and (by default) confirmed by the code."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            session = getattr(request, "portal", None)
            if session is None:
                return render(request, "portal/no_session.html", status=403)
            invitation = session.invitation
            if invitation.revoked_at:
                return _closed(request, invitation, "revoked")
            if invitation.is_expired:
                return _closed(request, invitation, "expired")
            if verified and not session.verified:
                return redirect("portal:code")
            request.invitation = invitation
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


def landing(request, token):
    """Trade the link's token for a portal session, then leave the token's URL."""
    address = client_address(request)
    if ratelimit.guesses_exceeded(address):
        return render(request, "portal/rate_limited.html", status=429)
    invitation = services.find_by_token(token)
    if invitation is None:
        ratelimit.wrong_guess(address)
        return render(request, "portal/invalid.html", status=404)
    if invitation.revoked_at:
        return _closed(request, invitation, "revoked")
    if invitation.is_expired:
        return _closed(request, invitation, "expired")
    services.mark_opened(invitation)
    audit.record(request, invitation, "opened")
    request.portal = PortalSession(invitation=invitation, verified=False)
    if not services.has_live_code(invitation):
        try:
            services.issue_code(invitation)
            audit.record(request, invitation, "code_sent")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("portal:code")


@portal_page(verified=False)
def code(request):
    invitation = request.invitation
    if request.portal.verified:
        return redirect("portal:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_code(
                invitation, form.cleaned_data["code"], address=client_address(request)
            )
        except ValidationError as error:
            kind = "rate_limited" if error.code == "rate_limited" else "code_failed"
            audit.record(request, invitation, kind)
            form.add_error("code", error)
        else:
            audit.record(request, invitation, "code_verified")
            request.portal = PortalSession(invitation=invitation, verified=True)
            return redirect("portal:home")
    status = 429 if form.has_error("code", "rate_limited") else 200
    return render(
        request,
        "portal/code.html",
        {
            "form": form,
            "email": _masked(invitation.contact.email),
            "minutes": settings.PORTAL_CODE_MINUTES,
        },
        status=status,
    )


def _masked(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 2)}@{domain}"


@require_POST
@portal_page(verified=False)
def code_resend(request):
    try:
        services.issue_code(request.invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit.record(request, request.invitation, "code_sent")
        messages.success(request, _("A new code is on its way."))
    return redirect("portal:code")


@require_POST
def language(request):
    """The vendor's language, remembered on the invitation (and so on every page)."""
    chosen = request.POST.get("language")
    session = getattr(request, "portal", None)
    if chosen not in dict(settings.LANGUAGES):
        chosen = settings.LANGUAGE_CODE
    target = request.POST.get("next", "")
    if not target.startswith("/portal/") or target.startswith("/portal/i/"):
        target = reverse("portal:home")
    response = redirect(target)
    if session is not None:
        Invitation.objects.filter(pk=session.invitation.pk).update(language=chosen)
        session.invitation.language = chosen
        audit.record(request, session.invitation, "language", chosen)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        path="/portal/",
    )
    return response


@require_POST
@portal_page(verified=False)
def logout(request):
    audit.record(request, request.invitation, "logged_out")
    request.portal.end = True
    return render(request, "portal/logged_out.html")


def _progress(invitation, evaluation):
    return [row for row in evaluation.section_progress() if invitation.covers(row[0].code)]


@portal_page
def home(request):
    invitation = request.invitation
    context = {"invitation": invitation}
    if invitation.kind == Invitation.Kind.REMEDIATION:
        context["findings"] = services.open_findings(invitation)
    else:
        evaluation = evaluate(invitation.assessment)
        titles = {s.code: s.title for s in evaluation.sections}
        delegations = list(invitation.delegations.select_related("contact").order_by("pk"))
        for child in delegations:
            child.section_titles = [titles.get(code, code) for code in child.sections]
        context.update(
            progress=_progress(invitation, evaluation),
            unanswered=services.unanswered_in_scope(invitation, evaluation),
            questions=services.questions_for(invitation),
            can_answer=services.can_answer(invitation),
            delegations=delegations,
            may_delegate=invitation.parent_id is None and services.can_answer(invitation),
        )
    return render(request, "portal/home.html", context)


def _portal_row(row, problem, *, mine, threads):
    problem = problem or {}
    return {
        "item": row.item,
        "answer": row.answer,
        "visible": row.visible,
        "display": row.display,
        "value": problem.get("value", row.value),
        "comment": problem.get("comment", row.comment),
        "revision": problem.get("revision", row.answer.revision if row.answer else 0),
        "error": problem.get("error"),
        "conflict": problem.get("conflict"),
        "yes_no_options": yes_no_options(row.item),
        "choice_options": row.item.choice_options(),
        # Only the vendor's own files: our evidence stays ours.
        "evidence": [f for f in row.evidence if f.pk in mine],
        "thread": threads.get(row.item.pk),
    }


def _navigation(progress, section):
    """The section's progress and its neighbours among the sections of the invitation."""
    codes = [row[0].code for row in progress]
    index = codes.index(section.code)
    _s, answered, shown, _missing = progress[index]
    return {
        "section_answered": answered,
        "section_shown": shown,
        "previous_section": progress[index - 1][0] if index > 0 else None,
        "next_section": progress[index + 1][0] if index + 1 < len(progress) else None,
    }


def _section_context(invitation, code, *, problems=None):
    if not invitation.covers(code) or invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise Http404
    evaluation = evaluate(invitation.assessment)
    section = next((s for s in evaluation.sections if s.code == code), None)
    if section is None:
        raise Http404
    prefetch_related_objects(list(evaluation.answers.values()), "answered_by_contact")
    mine = set(
        PortalUpload.objects.filter(invitation__assessment=invitation.assessment).values_list(
            "stored_file_id", flat=True
        )
    )
    threads = {
        r.item_id: r for r in services.questions_for(invitation) if r.item.section_id == section.pk
    }
    problems = problems or {}
    rows = [
        _portal_row(row, problems.get(row.item.code), mine=mine, threads=threads)
        for row in evaluation.item_rows(section)
    ]
    progress = _progress(invitation, evaluation)
    return {
        "invitation": invitation,
        "section": section,
        "rows": rows,
        "progress": progress,
        "can_answer": services.can_answer(invitation),
        "evidence_field": UploadField(required=False),
        **_navigation(progress, section),
    }


@portal_page
def section(request, code):
    context = _section_context(request.invitation, code)
    return render(request, "portal/section.html", context)


def _item(invitation, code):
    item = get_object_or_404(
        invitation.assessment.version.items.select_related("section"), code=code
    )
    if not invitation.covers(item.section.code) or invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise Http404
    return item


@require_POST
@portal_page
def answer(request, code):
    invitation = request.invitation
    item = _item(invitation, code)
    problem = {
        "value": request.POST.getlist("value")
        if item.answer_type == "multi_choice"
        else request.POST.get("value", ""),
        "comment": request.POST.get("comment", ""),
    }
    try:
        base = int(request.POST.get("revision", ""))
    except ValueError:
        base = None
    try:
        services.save_answer(
            invitation,
            item,
            value=parse_answer(item, request.POST),
            comment=parse_comment(request.POST),
            base_revision=base,
        )
    except (AnswerError, ValidationError) as error:
        problem["error"] = " ".join(getattr(error, "messages", [str(error)]))
        if base is not None:
            problem["revision"] = base
    except AnswerConflict as conflict:
        by = conflict.theirs_by
        problem["conflict"] = {
            "theirs": display_answer(item, conflict.theirs),
            # Our staff stay nameless to the vendor.
            "by": getattr(by, "name", None) or _("the requesting company"),
        }
        problem["revision"] = conflict.revision
    else:
        audit.record(request, invitation, "answer_saved", item.code)
        if not request.htmx:
            messages.success(request, _("Answer saved."))
            return redirect(reverse("portal:section", args=[item.section.code]) + f"#item-{code}")
        problem = None
    if not request.htmx:
        context = _section_context(invitation, item.section.code, problems={code: problem})
        return render(request, "portal/section.html", context, status=422)
    return _answer_saved(request, invitation, item, problem)


def _answer_saved(request, invitation, item, problem):
    """Only what a save changed (the item's status, revision, "answered by" line, the
    progress), as in the staff pages: never the fields the vendor may be typing in."""
    evaluation = evaluate(invitation.assessment)
    section = next(s for s in evaluation.sections if s.pk == item.section_id)
    (row,) = evaluation.item_rows(codes=[item.code])
    if row.answer is not None:
        prefetch_related_objects([row.answer], "answered_by_contact")
    row = _portal_row(row, problem, mine=set(), threads={})
    progress = _progress(invitation, evaluation)
    posted = request.POST.get("value", "")
    context = {
        "invitation": invitation,
        "section": section,
        "row": row,
        "item": item,
        "progress": progress,
        "oob": True,
        "number_sent": number_sent(item, row["value"], posted, problem),
        **_navigation(progress, section),
    }
    return answer_saved_response(
        request,
        "portal/_answer_saved.html",
        context,
        evaluation=evaluation,
        section=section,
    )


@require_POST
@portal_page
def evidence(request, code):
    invitation = request.invitation
    item = _item(invitation, code)
    target = reverse("portal:section", args=[item.section.code]) + f"#item-{code}"
    try:
        upload = UploadField(required=True).clean(request.FILES.get("file"))
        stored = services.add_evidence(invitation, item, upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    audit.record(request, invitation, "evidence_added", stored.original_name)
    messages.success(request, _("“%(name)s” attached.") % {"name": stored.original_name})
    return redirect(target)


@portal_page
def file(request, pk):
    """A file the vendor's side uploaded for this assessment, or a staff question's
    attachment released to this invitation."""
    invitation = request.invitation
    own = PortalUpload.objects.filter(
        stored_file_id=pk, invitation__assessment=invitation.assessment
    ).exists()
    released = any(
        m.file_id == int(pk) and m.released_at
        for review in services.questions_for(invitation)
        for m in review.messages.all()
    )
    if not (own or released):
        raise Http404
    stored = get_object_or_404(StoredFile, pk=pk, deleted_at__isnull=True)
    return file_response(stored)


@require_POST
@portal_page
def submit(request):
    invitation = request.invitation
    evaluation = evaluate(invitation.assessment)
    try:
        services.submit(invitation, unanswered=services.unanswered_in_scope(invitation, evaluation))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit.record(request, invitation, "submitted")
        messages.success(request, _("Thank you. Your answers were submitted."))
    return redirect("portal:home")


@portal_page
def delegate(request):
    invitation = request.invitation
    if invitation.parent_id or not services.can_answer(invitation):
        raise PermissionDenied
    sections = services.scope_sections(invitation)
    form = DelegateForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child = services.delegate(
                invitation,
                section_code=data["section"],
                name=data["name"],
                email=data["email"],
                message=data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(
                request, invitation, "delegated", f"{data['section']} → {child.contact.email}"
            )
            messages.success(request, _("Your colleague was sent an invitation."))
            return redirect("portal:home")
    return render(request, "portal/delegate.html", {"invitation": invitation, "form": form})


@require_POST
@portal_page
def delegation_revoke(request, pk):
    invitation = request.invitation
    child = get_object_or_404(invitation.delegations, pk=pk)
    services.revoke(child)
    audit.record(request, invitation, "delegation_revoked", child.contact.email)
    messages.success(request, _("The delegation was revoked."))
    return redirect("portal:home")


@require_POST
@portal_page
def reply(request, pk):
    invitation = request.invitation
    review = get_object_or_404(
        AnswerReview.objects.select_related("item__section"),
        pk=pk,
        assessment=invitation.assessment,
    )
    if not invitation.covers(review.item.section.code):
        raise Http404
    form = ReplyForm(request.POST, request.FILES)
    target = (
        reverse("portal:section", args=[review.item.section.code]) + f"#item-{review.item.code}"
    )
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect(target)
    try:
        services.reply(
            invitation, review, text=form.cleaned_data["text"], file=form.cleaned_data["file"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit.record(request, invitation, "replied", review.item.code)
        messages.success(request, _("Your reply was saved."))
    return redirect(target)


@portal_page
def finding(request, pk):
    invitation = request.invitation
    if invitation.kind != Invitation.Kind.REMEDIATION:
        raise Http404
    finding = get_object_or_404(services.open_findings(invitation), pk=pk)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.propose(
                invitation,
                finding,
                plan=data["plan"],
                target_date=data["target_date"],
                files=[data["evidence"]] if data["evidence"] else [],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(request, invitation, "proposed", finding.item.code)
            messages.success(request, _("Your plan was sent for review."))
            return redirect("portal:home")
    return render(
        request,
        "portal/finding.html",
        {
            "invitation": invitation,
            "finding": finding,
            "form": form,
            "proposals": finding.proposals.all(),
            "language": translation.get_language(),
        },
    )


# --- incidents: a contact reports a leak and sees only what it reported ---


def _my_incidents(invitation):
    return Incident.objects.filter(
        reported_by_contact=invitation.contact, vendor_id=invitation.contact.vendor_id
    )


@portal_page
def incidents(request):
    invitation = request.invitation
    return render(
        request,
        "portal/incidents.html",
        {"invitation": invitation, "incidents": _my_incidents(invitation).order_by("-aware_at")},
    )


@portal_page
def incident_new(request):
    invitation = request.invitation
    form = ContactIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reported = incident_services.record_incident(
                vendor=invitation.contact.vendor, contact=invitation.contact, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(request, invitation, "incident_reported", str(reported.pk))
            messages.success(
                request, _("Thank you. We have your report and will contact you shortly.")
            )
            return redirect("portal:incident", pk=reported.pk)
    return render(request, "portal/incident_form.html", {"invitation": invitation, "form": form})


@portal_page
def incident(request, pk):
    """The contact's own report: it may add what it learns (the count grows) and notes."""
    invitation = request.invitation
    reported = get_object_or_404(_my_incidents(invitation), pk=pk)
    editable = reported.is_open
    form = ContactIncidentForm(request.POST or None, instance=reported) if editable else None
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        note = request.POST.get("note", "").strip()[:4000]
        try:
            incident_services.update_incident(
                reported, contact=invitation.contact, **form.cleaned_data
            )
            if note:
                incident_services.add_step(
                    reported, kind=IncidentStep.Kind.NOTE, note=note, contact=invitation.contact
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(request, invitation, "incident_updated", str(reported.pk))
            messages.success(request, _("Your update was sent."))
            return redirect("portal:incident", pk=reported.pk)
    steps = reported.steps.select_related("recorded_by", "recorded_by_contact")
    return render(
        request,
        "portal/incident.html",
        {"invitation": invitation, "incident": reported, "form": form, "steps": steps},
    )


def _workbook_language(request) -> str:
    chosen = request.GET.get("lang") or translation.get_language() or request.invitation.language
    return "en" if chosen[:2] == "en" else "ja"


@portal_page
def workbook(request):
    """The questionnaire of the invitation's sections as a workbook to fill offline."""
    invitation = request.invitation
    if invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise Http404
    language = _workbook_language(request)
    content = services.workbook_for(invitation, language=language)
    audit.record(request, invitation, "workbook_downloaded")
    return xlsx_response(workbook_filename(invitation.assessment, language), content)


@portal_page
def workbook_import(request):
    """Upload the filled workbook and see what it would change; nothing is saved yet."""
    invitation = request.invitation
    if invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise Http404
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.read_workbook(invitation, form.cleaned_data["file"])
        except (SpreadsheetRefused, WorkbookError, ValidationError) as error:
            form.add_error("file", " ".join(getattr(error, "messages", [str(error)])))
    context = {
        "invitation": invitation,
        "form": form,
        "plan": plan,
        "can_answer": services.can_answer(invitation),
    }
    if plan is not None:
        context["rows"] = describe(plan, invitation.assessment)
        context["token"] = services.workbook_token(invitation, plan) if plan.applicable else ""
    status = 422 if form.errors or (plan is not None and not plan.applicable) else 200
    return render(request, "portal/workbook_import.html", context, status=status)


@require_POST
@portal_page
def workbook_confirm(request):
    invitation = request.invitation
    if invitation.kind != Invitation.Kind.QUESTIONNAIRE:
        raise Http404
    try:
        written = services.confirm_workbook(
            invitation, request.POST.get("plan", ""), overwrite=request.POST.getlist("overwrite")
        )
    except (WorkbookError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("portal:workbook_import")
    audit.record(
        request, invitation, "workbook_imported", ", ".join(f"{k}={v}" for k, v in written.items())
    )
    messages.success(
        request,
        _("The workbook was imported: %(new)s new, %(changed)s changed, %(conflict)s replaced.")
        % written,
    )
    return redirect("portal:home")
