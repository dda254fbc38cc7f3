"""Pages of the bulk vendor import (dry run, then confirm) and its template download.
Admins and procurement staff may import; staff's imported vendors are theirs."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from core.xlsx import XLSX_CONTENT_TYPE, SpreadsheetRefused, check_size

from . import exports, imports


class VendorImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file"),
        help_text=gettext_lazy(
            "CSV in UTF-8 or Shift_JIS, or .xlsx; headers in Japanese or English."
        ),
    )
    existing = forms.ChoiceField(
        label=gettext_lazy("A corporate number already registered"),
        choices=[
            ("skip", gettext_lazy("Skip the row (leave the vendor as it is)")),
            ("update", gettext_lazy("Update the vendor from the row")),
        ],
        initial="skip",
        widget=forms.RadioSelect,
    )


def _may_import(user):
    if not user.has_perm("accounts.register_vendors"):
        raise PermissionDenied


def _language(request):
    chosen = request.GET.get("lang") or get_language() or "ja"
    return "en" if chosen[:2] == "en" else "ja"


@role_required
def vendor_import(request):
    _may_import(request.user)
    form = VendorImportForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            plan = imports.read_vendor_file(
                upload.read(),
                upload.name,
                user=request.user,
                default_owner=request.user,
                update=form.cleaned_data["existing"] == "update",
            )
        except (SpreadsheetRefused, imports.VendorImportError) as error:
            form.add_error("file", str(error))
    context = {"form": form, "plan": plan, "nav_active": "vendors"}
    if plan is not None:
        context["token"] = plan.to_token(request.user) if plan.applicable else ""
    status = 422 if form.errors or (plan is not None and not plan.applicable) else 200
    return render(request, "vendors/vendor_import.html", context, status=status)


@require_POST
@role_required
def vendor_import_confirm(request):
    _may_import(request.user)
    try:
        plan = imports.VendorImportPlan.from_token(request.POST.get("plan", ""), request.user)
        done = imports.apply_vendor_import(plan, user=request.user, default_owner=request.user)
    except imports.VendorImportError as error:
        messages.error(request, str(error))
        return redirect("vendors:import")
    messages.success(
        request,
        _("Imported: %(create)s vendors registered, %(update)s updated, %(skip)s skipped.") % done,
    )
    return redirect("vendors:index")


@role_required
def vendor_import_template(request):
    _may_import(request.user)
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    name, content = exports.template_content(file_format, _language(request))
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8" if file_format == "csv" else XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
