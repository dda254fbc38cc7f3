from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from vendors.access import get_vendor_for_user
from vendors.forms import UploadField
from vendors.uploads import file_response, store_upload

from . import services, workflow
from .access import assessments_visible_to, can_answer, get_assessment_for_user
from .answers import AnswerError, display_answer, parse_answer, parse_comment, yes_no_options
from .evaluation import evaluate
from .forms import AssessmentFilterForm, ReviewForm, StartAssessmentForm
from .models import Answer, Assessment

PAGE_SIZE = 25


@role_required
def index(request):
    filters = AssessmentFilterForm(request.GET or None)
    assessments = assessments_visible_to(request.user).select_related(
        "vendor", "version__checklist", "reviewer"
    )
    if filters.is_valid():
        if q := filters.cleaned_data["q"]:
            assessments = assessments.filter(
                Q(vendor__name__icontains=q)
                | Q(vendor__name_kana__icontains=q)
                | Q(vendor__name_en__icontains=q)
            )
        if status := filters.cleaned_data["status"]:
            assessments = assessments.filter(status=status)
        today = timezone.localdate()
        if filters.cleaned_data["due"]:
            assessments = assessments.exclude(status=Assessment.Status.APPROVED)
        if filters.cleaned_data["due"] == "overdue":
            assessments = assessments.filter(due_date__lt=today)
        elif filters.cleaned_data["due"] == "soon":
            assessments = assessments.filter(
                due_date__gte=today, due_date__lte=today + timedelta(days=30)
            )
    page = Paginator(assessments.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questionnaires/assessment_list.html",
        {"page": page, "filters": filters, "query": query.urlencode(), "nav_active": "assessments"},
    )


@role_required
def start(request, vendor_pk):
    vendor = get_vendor_for_user(request.user, vendor_pk, write=True)
    if not request.user.has_perm("accounts.answer_assessments"):
        raise PermissionDenied
    form = StartAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                vendor,
                user=request.user,
                reviewer=form.cleaned_data["reviewer"],
                due_date=form.cleaned_data["due_date"],
                carry_over=form.cleaned_data["carry_over"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The assessment was started."))
            return redirect("assessments:detail", assessment.pk)
    return render(
        request,
        "questionnaires/assessment_start.html",
        {"form": form, "vendor": vendor, "nav_active": "assessments"},
    )


@role_required
def detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    evaluation = evaluate(assessment)
    return render(
        request,
        "questionnaires/assessment_detail.html",
        {
            "assessment": assessment,
            "evaluation": evaluation,
            "chart_svg": evaluation.chart_svg(title=_("Score by section")),
            "findings": assessment.findings.select_related("item__section", "owner"),
            "actions": [
                (a, workflow.ACTION_LABELS[a])
                for a in workflow.available_actions(assessment.status, request.user.role)
            ],
            "review_form": ReviewForm(),
            "notes": assessment.review_notes.select_related("author"),
            "can_answer": can_answer(request.user, assessment),
            "nav_active": "assessments",
        },
    )


def _section_context(request, assessment, code, *, problems=None):
    evaluation = evaluate(assessment)
    section = next((s for s in evaluation.sections if s.code == code), None)
    if section is None:
        raise Http404
    # "Saved by ..." under each answer; one query rather than one per answer.
    prefetch_related_objects(list(evaluation.answers.values()), "updated_by")
    problems = problems or {}
    rows = []
    for item in evaluation.items:
        if item.section_id != section.pk:
            continue
        answer = evaluation.answers.get(item.code)
        problem = problems.get(item.code, {})
        rows.append(
            {
                "item": item,
                "answer": answer,
                "visible": item.code in evaluation.visible,
                "value": problem.get("value", answer.value if answer else None),
                "comment": problem.get("comment", answer.comment if answer else ""),
                "revision": problem.get("revision", answer.revision if answer else 0),
                "error": problem.get("error"),
                "conflict": problem.get("conflict"),
                "display": display_answer(item, answer.value) if answer else "—",
                "yes_no_options": yes_no_options(item),
                "choice_options": item.choice_options(),
            }
        )
    return {
        "assessment": assessment,
        "evaluation": evaluation,
        "section": section,
        "rows": rows,
        "can_answer": can_answer(request.user, assessment),
        "evidence_field": UploadField(required=False),
        "nav_active": "assessments",
    }


@role_required
def section(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk)
    return render(
        request,
        "questionnaires/assessment_section.html",
        _section_context(request, assessment, code),
    )


@require_POST
@role_required
def answer(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    item = get_object_or_404(assessment.version.items.select_related("section"), code=code)
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
            assessment,
            item,
            value=parse_answer(item, request.POST),
            comment=parse_comment(request.POST),
            base_revision=base,
            user=request.user,
        )
    except AnswerError as error:
        problem["error"] = str(error)
        if base is not None:  # keep the page's revision, so a later save still sees conflicts
            problem["revision"] = base
    except services.AnswerConflict as conflict:
        problem["conflict"] = {
            "theirs": display_answer(item, conflict.theirs),
            "by": conflict.theirs_by,
        }
        problem["revision"] = conflict.revision  # saving again now replaces theirs, knowingly
    else:
        if not request.htmx:
            messages.success(request, _("Answer saved."))
            return redirect(
                reverse("assessments:section", args=[pk, item.section.code]) + f"#item-{code}"
            )
        problem = None
    context = _section_context(
        request, assessment, item.section.code, problems={code: problem} if problem else None
    )
    status = 200 if problem is None or request.htmx else 422
    return render(request, "questionnaires/assessment_section.html", context, status=status)


@require_POST
@role_required
def evidence(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    item = get_object_or_404(assessment.version.items.select_related("section"), code=code)
    field = UploadField(required=True)
    target = reverse("assessments:section", args=[pk, item.section.code]) + f"#item-{code}"
    try:
        upload = field.clean(request.FILES.get("file"))
    except ValidationError as error:
        messages.error(request, f"{item.code}: " + " ".join(error.messages))
        return redirect(target)
    stored = store_upload(upload, folder=f"assessments/{assessment.pk}", user=request.user)
    answer_row, _created = Answer.objects.get_or_create(
        assessment=assessment, item=item, defaults={"updated_by": request.user}
    )
    answer_row.evidence.add(stored)
    messages.success(request, _("Evidence “%(name)s” attached.") % {"name": stored.original_name})
    return redirect(target)


@role_required
def evidence_file(request, pk, file_pk):
    assessment = get_assessment_for_user(request.user, pk)
    answer_row = assessment.answers.filter(evidence__pk=file_pk).first()
    if answer_row is None:
        raise Http404
    stored = answer_row.evidence.get(pk=file_pk)
    if stored.deleted_at:
        raise Http404
    return file_response(stored)


@require_POST
@role_required
def action(request, pk, name):
    assessment = get_assessment_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    unanswered = evaluate(assessment).result.unanswered if name == "submit" else ()
    try:
        services.apply_action(
            assessment, name, user=request.user, comment=comment, unanswered=unanswered
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS[name]})
    return redirect("assessments:detail", pk)
