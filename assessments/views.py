from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import permission_required, role_required
from core import confirm
from core.csvexport import csv_response
from core.dates import LocalDateField
from core.paging import CappedPaginator
from vendors.access import get_vendor_for_user, vendors_visible_to
from vendors.forms import UploadField
from vendors.uploads import file_response, store_upload

from . import comparison, services, workflow
from .access import (
    assessments_visible_to,
    can_accept_risk,
    can_answer,
    can_update_finding,
    findings_visible_to,
    get_assessment_for_user,
    get_finding_for_user,
)
from .answering import answer_saved_response, number_sent
from .answers import AnswerError, display_answer, parse_answer, parse_comment, yes_no_options
from .evaluation import evaluate
from .filters import FindingFilter
from .findings import finding_evidence, update_finding
from .forms import ApprovalForm, AssessmentFilterForm, ReviewForm, StartAssessmentForm
from .models import Answer, Assessment, Finding
from .workbook import findings_export

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
    return render(
        request,
        "assessments/assessment_list.html",
        {"page": page, "filters": filters, "nav_active": "assessments"},
    )


@role_required
def start(request, vendor_pk):
    vendor = get_vendor_for_user(request.user, vendor_pk, write=True)
    if not request.user.has_perm("accounts.answer_assessments"):
        raise PermissionDenied
    previous = services.last_approved(vendor)
    form = StartAssessmentForm(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                vendor,
                user=request.user,
                checklist=form.cleaned_data["checklist"],
                reviewer=form.cleaned_data["reviewer"],
                due_date=form.cleaned_data["due_date"],
                carry_over=form.cleaned_data["carry_over"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The assessment was started. Answer the first section."))
            return redirect(_first_section_url(assessment))
    return render(
        request,
        "assessments/assessment_start.html",
        {"form": form, "vendor": vendor, "previous": previous, "nav_active": "assessments"},
    )


def _first_section_url(assessment):
    first = assessment.version.sections.order_by("position").first()
    if first is None:
        return reverse("assessments:detail", args=[assessment.pk])
    return reverse("assessments:section", args=[assessment.pk, first.code])


@role_required
def detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    evaluation = evaluate(assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
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
            "conclusions": Assessment.Conclusion.choices,
            "approval_form": ApprovalForm(vendor=assessment.vendor),
            "notes": assessment.review_notes.select_related("author"),
            "can_answer": can_answer(request.user, assessment),
            "nav_active": "assessments",
        },
    )


def _row_context(row, problem=None):
    """One item row for the answering templates; what the user sent stays in the form
    when the save was refused."""
    problem = problem or {}
    return {
        **vars(row),
        "value": problem.get("value", row.value),
        "comment": problem.get("comment", row.comment),
        "revision": problem.get("revision", row.answer.revision if row.answer else 0),
        "error": problem.get("error"),
        "conflict": problem.get("conflict"),
        "yes_no_options": yes_no_options(row.item),
        "choice_options": row.item.choice_options(),
    }


def _navigation(evaluation, section):
    """What the section list, the progress pill and the previous/next buttons show."""
    answered, shown = next(
        (a, n) for s, a, n, _missing in evaluation.section_progress() if s.pk == section.pk
    )
    previous, following = evaluation.neighbours(section)
    return {
        "section_answered": answered,
        "section_shown": shown,
        "previous_section": previous,
        "next_section": following,
    }


def _section_context(request, assessment, code, *, problems=None):
    evaluation = evaluate(assessment)
    section = next((s for s in evaluation.sections if s.code == code), None)
    if section is None:
        raise Http404
    # "Saved by ..." under each answer; one query rather than one per answer.
    prefetch_related_objects(list(evaluation.answers.values()), "updated_by", "answered_by_contact")
    problems = problems or {}
    rows = [_row_context(row, problems.get(row.item.code)) for row in evaluation.item_rows(section)]
    return {
        "assessment": assessment,
        "evaluation": evaluation,
        "section": section,
        "rows": rows,
        "can_answer": can_answer(request.user, assessment),
        "evidence_field": UploadField(required=False),
        "nav_active": "assessments",
        **_navigation(evaluation, section),
    }


@role_required
def section(request, pk, code):
    assessment = get_assessment_for_user(request.user, pk)
    return render(
        request,
        "assessments/assessment_section.html",
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
    if not request.htmx:
        context = _section_context(request, assessment, item.section.code, problems={code: problem})
        return render(request, "assessments/assessment_section.html", context, status=422)
    evaluation = evaluate(assessment)
    section = next(s for s in evaluation.sections if s.pk == item.section_id)
    (row,) = evaluation.item_rows(codes=[code])
    if row.answer is not None:
        prefetch_related_objects([row.answer], "updated_by", "answered_by_contact")
    row = _row_context(row, problem)
    posted = request.POST.get("value", "")
    context = {
        "assessment": assessment,
        "evaluation": evaluation,
        "section": section,
        "row": row,
        "item": item,
        "oob": True,
        # The stored number replaces what was typed (２４ -> 24) unless the user is back in
        # the field or has typed on since: the data-sent guard in app.js.
        "number_sent": number_sent(item, row["value"], posted, problem),
        **_navigation(evaluation, section),
    }
    return answer_saved_response(
        request,
        "assessments/_answer_saved.html",
        context,
        evaluation=evaluation,
        section=section,
    )


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


# Steps that ask first (core.confirm): a GET, or a POST without confirmed=1, shows the
# confirmation page, which for approval is also where the conclusion is chosen.
CONFIRMED_ACTIONS = ("approve", "return")


def action(request, pk, name):
    # Only the steps that ask have a page to GET; the others stay POST only, for everyone.
    if request.method != "POST" and name not in CONFIRMED_ACTIONS:
        return HttpResponseNotAllowed(["POST"])
    return _action(request, pk, name)


@require_http_methods(["GET", "POST"])
@role_required
def _action(request, pk, name):
    assessment = get_assessment_for_user(request.user, pk)
    asks = name in CONFIRMED_ACTIONS
    if name == "approve":
        form = ApprovalForm(request.POST or None, vendor=assessment.vendor)
    else:
        form = ReviewForm(request.POST or None)
    if asks and not (confirm.is_confirmed(request) and form.is_valid()):
        return _confirm_action(request, assessment, name, form)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    unanswered = evaluate(assessment).result.unanswered if name == "submit" else ()
    decision = {}
    if name == "approve":
        decision = {k: form.cleaned_data[k] for k in ("conclusion", "conditions")}
        decision["vendor_status"] = form.cleaned_data.get("vendor_status", "")
    try:
        services.apply_action(
            assessment, name, user=request.user, comment=comment, unanswered=unanswered, **decision
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS[name]})
        if name == "approve":
            messages.info(request, _vendor_move_message(assessment))
        if name == "start":  # straight to the questions, not back to the button
            return redirect(_first_section_url(assessment))
    return redirect("assessments:detail", pk)


def _vendor_move_message(assessment):
    vendor = assessment.vendor
    names = {"vendor": vendor.display_name(get_language()), "status": vendor.get_status_display()}
    before = getattr(assessment, "vendor_moved_from", None)
    if before is None:
        return _("%(vendor)s stays “%(status)s”.") % names
    return _("%(vendor)s moved from “%(before)s” to “%(status)s”.") % {
        **names,
        "before": vendor.Status(before).label,
    }


def _confirm_action(request, assessment, name, form):
    if not workflow.role_may(name, request.user.role):
        raise PermissionDenied
    if workflow.target(name, assessment.status, request.user.role) is None:
        messages.error(
            request,
            _("“%(action)s” is not possible while the assessment is “%(status)s”.")
            % {"action": workflow.ACTION_LABELS[name], "status": assessment.get_status_display()},
        )
        return redirect("assessments:detail", assessment.pk)
    result = evaluate(assessment).result
    vendor = assessment.vendor.display_name(get_language())
    if name == "approve":
        title = _("Approve the assessment")
        question = _(
            "Approve the assessment of %(vendor)s? Its answers are then locked, the score is "
            "frozen and the conclusion is printed on the first page of the report."
        ) % {"vendor": vendor}
    else:
        title = _("Return the assessment")
        question = _(
            "Return the assessment of %(vendor)s to its assessors? They can change the answers "
            "again and must submit it anew."
        ) % {"vendor": vendor}
    return confirm.confirmation_page(
        request,
        title=title,
        question=question,
        action_url=reverse("assessments:action", args=[assessment.pk, name]),
        confirm_label=workflow.ACTION_LABELS[name],
        cancel_url=reverse("assessments:detail", args=[assessment.pk]),
        danger=name == "return",
        details=[
            (_("Vendor"), vendor),
            (_("Checklist"), str(assessment.version)),
            (_("Score"), "—" if result.overall is None else f"{result.overall:.1f} / 100"),
            (_("Rating"), result.rating or "—"),
            (_("Findings"), str(len(result.findings))),
        ],
        form=form,
        status=422 if form.is_bound and form.errors else 200,
    )


# Findings

FINDINGS_PAGE_SIZE = 50


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["status", "owner", "due_date", "remediation_plan", "closing_note"]
        field_classes = {"due_date": LocalDateField}
        widgets = {
            "remediation_plan": forms.Textarea(attrs={"rows": 3}),
            "closing_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["owner"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()
        )
        if not can_accept_risk(user):
            self.fields["status"].choices = [
                c for c in Finding.Status.choices if c[0] != Finding.Status.ACCEPTED
            ]


@role_required
def finding_list(request):
    filters = FindingFilter(
        request.GET or None,
        queryset=findings_visible_to(request.user).select_related(
            "vendor", "item__section", "owner", "assessment"
        ),
        user=request.user,
    )
    if "vendor" in filters.errors:
        raise Http404  # a vendor the user may not see, or none at all
    # Most severe first, then the soonest due: the order of an index (assessments.Finding),
    # so a page costs the same at 300 findings as at 300,000.
    findings = filters.qs.order_by("severity_rank", "due_date", "pk")
    if request.GET.get("format") == "xlsx":
        return findings_export(findings)
    page = CappedPaginator(findings, FINDINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/finding_list.html",
        {
            "page": page,
            "filters": filters,
            "vendor": filters.form.cleaned_data.get("vendor") if filters.is_bound else None,
            "nav_active": "findings",
        },
    )


@role_required
def finding_detail(request, pk):
    finding = get_finding_for_user(
        request.user,
        pk,
        write=request.method == "POST",
        queryset=Finding.objects.select_related("vendor", "item__section", "owner", "assessment"),
    )
    editable = can_update_finding(request.user, finding)
    # The form does not offer "accepted" to staff, so check the raw value: a forged
    # POST is refused outright rather than shown as a form error.
    if request.POST.get("status") == Finding.Status.ACCEPTED and not can_accept_risk(request.user):
        raise PermissionDenied
    form = FindingForm(request.POST or None, instance=finding, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_finding(finding, **data)
        except ValidationError as error:
            form.add_error("closing_note", error)
        else:
            messages.success(request, _("The finding was updated."))
            return redirect(finding)
    return render(
        request,
        "assessments/finding_detail.html",
        {
            "finding": finding,
            "answer": finding_evidence(finding),
            "form": form,
            "editable": editable,
            "nav_active": "findings",
        },
    )


# Comparison

SEARCH_LIMIT = 30


def _selected(request):
    """The vendor ids in the query, in order; anything but a plain id is ignored."""
    ids = []
    for raw in request.GET.getlist("v"):
        # ASCII digits only ("²".isdigit() is true) and short enough for a bigint column.
        if raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) not in ids:
            ids.append(int(raw))
    return ids


@permission_required("compare_vendors")
def compare(request):
    visible = vendors_visible_to(request.user).filter(archived_at__isnull=True)
    ids = _selected(request)
    selected = list(visible.filter(pk__in=ids)) if ids else []
    selected.sort(key=lambda v: ids.index(v.pk))
    error = None
    columns = rows = None
    if ids and not comparison.MIN_VENDORS <= len(selected) <= comparison.MAX_VENDORS:
        error = _("Choose between %(min)s and %(max)s vendors you may see.") % {
            "min": comparison.MIN_VENDORS,
            "max": comparison.MAX_VENDORS,
        }
    elif selected:
        columns, rows = comparison.compare(
            visible.filter(pk__in=[v.pk for v in selected]).order_by("pk")
        )
        order = {v.pk: i for i, v in enumerate(selected)}
        columns, rows = _reorder(columns, rows, order)
        if request.GET.get("format") == "csv":
            return _csv(columns, rows)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    candidates = visible.exclude(pk__in=ids)
    if q:
        candidates = candidates.filter(
            Q(name__icontains=q)
            | Q(name_kana__icontains=q)
            | Q(name_en__icontains=q)
            | Q(engagement__icontains=q)
        )
    engagements = (
        visible.exclude(engagement="")
        .values("engagement")
        .annotate(n=Count("pk"))
        .filter(n__gte=comparison.MIN_VENDORS)
        .order_by("engagement")[:20]
    )
    counts = {row["engagement"]: row["n"] for row in engagements}
    # One query for the vendors of every engagement shown, not one per engagement.
    members = defaultdict(list)
    for name, pk in (
        visible.filter(engagement__in=list(counts))
        .order_by("engagement", "name_kana", "pk")
        .values_list("engagement", "pk")
    ):
        members[name].append(pk)
    engagement_links = [
        (name, n, "&".join(f"v={pk}" for pk in members[name][: comparison.MAX_VENDORS]))
        for name, n in counts.items()
    ]
    return render(
        request,
        "assessments/compare.html",
        {
            "selected": selected,
            "columns": columns,
            "rows": rows,
            "error": error,
            "q": q,
            "candidates": candidates.order_by("name_kana", "pk")[:SEARCH_LIMIT],
            "engagement_links": engagement_links,
            "selected_query": "&".join(f"v={v.pk}" for v in selected),
            "gap_margin": f"{comparison.GAP_MARGIN:g}",
            "nav_active": "compare",
        },
    )


def _reorder(columns, rows, order):
    """Columns in the order the vendors were chosen, every per-column list with them."""
    index = sorted(range(len(columns)), key=lambda i: order[columns[i]["vendor"].pk])
    position = {old: new for new, old in enumerate(index)}
    columns = [columns[i] for i in index]
    for row in rows:
        row.cells = [row.cells[i] for i in index]
        if row.ranks:
            row.ranks = [row.ranks[i] for i in index]
        if row.values:
            row.values = [row.values[i] for i in index]
        row.alerts = {position[i] for i in row.alerts}
    return columns, rows


def _csv(columns, rows):
    """One column per vendor; the vendor's corporate number and the date of its assessment
    first, then the rows with numbers as numbers and their unit in the row's label."""
    header = [_("Group"), _("Item"), *[c["vendor"].name for c in columns]]
    vendor_group = _("Vendor")
    body = [
        [vendor_group, _("Corporate number"), *[c["vendor"].corporate_number for c in columns]],
        [vendor_group, _("Assessment date"), *[_assessment_day(c["assessment"]) for c in columns]],
    ]
    body += [[row.group, row.csv_label, *row.csv_values] for row in rows]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"vendor-comparison-{stamp}.csv", header, body)


def _assessment_day(assessment) -> str:
    """The day of approval, or of the start while not approved, in the local time zone."""
    if assessment is None:
        return ""
    return timezone.localtime(assessment.approved_at or assessment.created_at).date().isoformat()
