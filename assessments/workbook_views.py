"""Pages of the questionnaire workbook: download it, upload it filled in, see what it
would change, confirm. Access as the section pages: read to download, answer to import."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from core.xlsx import SpreadsheetRefused, check_size, xlsx_response

from . import workbook
from .access import get_assessment_for_user


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def workbook_language(request) -> str:
    chosen = request.GET.get("lang") or get_language() or "ja"
    return "en" if chosen[:2] == "en" else "ja"


@role_required
def workbook_download(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    language = workbook_language(request)
    content = workbook.build_workbook(assessment, language=language)
    return xlsx_response(workbook.workbook_filename(assessment, language), content)


@role_required
def workbook_import(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            plan = workbook.read_workbook(upload.read(), upload.name, assessment)
        except (SpreadsheetRefused, workbook.WorkbookError) as error:
            form.add_error("file", str(error))
    context = {"assessment": assessment, "form": form, "plan": plan, "nav_active": "assessments"}
    if plan is not None:
        context["rows"] = workbook.describe(plan, assessment)
        context["token"] = plan.to_token(request.user) if plan.applicable else ""
    status = 422 if form.errors or (plan is not None and not plan.applicable) else 200
    return render(request, "assessments/workbook_import.html", context, status=status)


@require_POST
@role_required
def workbook_confirm(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    try:
        plan = workbook.WorkbookPlan.from_token(
            request.POST.get("plan", ""), assessment, request.user
        )
        written = workbook.apply_plan(
            assessment, plan, user=request.user, overwrite=set(request.POST.getlist("overwrite"))
        )
    except workbook.WorkbookError as error:
        messages.error(request, str(error))
        return redirect("assessments:workbook_import", pk)
    messages.success(
        request,
        _("The workbook was imported: %(new)s new, %(changed)s changed, %(conflict)s replaced.")
        % written,
    )
    return redirect("assessments:detail", pk)
