from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import role_required
from vendors.access import vendors_visible_to

from .access import can_accept_risk, can_update_finding, findings_visible_to
from .findings import update_finding
from .models import Finding

PAGE_SIZE = 50


class FindingFilterForm(forms.Form):
    vendor = forms.IntegerField(required=False, widget=forms.HiddenInput)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        required=False,
        choices=[("", gettext_lazy("All severities")), *Finding.Severity.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All statuses")),
            ("unresolved", gettext_lazy("Open or planned")),
            *Finding.Status.choices,
        ],
    )


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["status", "owner", "due_date", "remediation_plan", "closing_note"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
def index(request):
    filters = FindingFilterForm(request.GET or None)
    findings = findings_visible_to(request.user).select_related(
        "vendor", "item__section", "owner", "assessment"
    )
    vendor = None
    if filters.is_valid():
        data = filters.cleaned_data
        if data["vendor"]:
            vendor = vendors_visible_to(request.user).filter(pk=data["vendor"]).first()
            if vendor is None:
                raise Http404
            findings = findings.filter(vendor=vendor)
        if data["severity"]:
            findings = findings.filter(severity=data["severity"])
        if data["status"] == "unresolved":
            findings = findings.filter(status__in=[Finding.Status.OPEN, Finding.Status.PLANNED])
        elif data["status"]:
            findings = findings.filter(status=data["status"])
    page = Paginator(
        findings.order_by("severity_rank", "vendor__name_kana", "item__code", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "questionnaires/finding_list.html",
        {
            "page": page,
            "filters": filters,
            "vendor": vendor,
            "query": query.urlencode(),
            "nav_active": "findings",
        },
    )


@role_required
def detail(request, pk):
    try:
        finding = (
            findings_visible_to(request.user)
            .select_related("vendor", "item__section", "owner", "assessment")
            .get(pk=pk)
        )
    except Finding.DoesNotExist:
        raise Http404 from None
    editable = can_update_finding(request.user, finding)
    if request.method == "POST" and not editable:
        raise PermissionDenied
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
        "questionnaires/finding_detail.html",
        {"finding": finding, "form": form, "editable": editable, "nav_active": "findings"},
    )
