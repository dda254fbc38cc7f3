from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import permission_required, role_required
from vendors.access import get_vendor_for_user
from vendors.uploads import file_response

from . import selectors, services
from .access import can_edit_incident, get_incident_for_user
from .forms import IncidentForm, PolicyForm, StepForm
from .models import DEADLINE_LABELS, IncidentPolicy
from .presenters import incident_summary

PAGE_SIZE = 25


@role_required
def index(request):
    incidents = selectors.incident_list(request.user)
    if request.GET.get("status") in ("open", "reported", "closed"):
        incidents = incidents.filter(status=request.GET["status"])
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    policy = IncidentPolicy.current()
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "rows": [incident_summary(i, today, policy=policy) for i in page],
            "nav_active": "incidents",
        },
    )


@role_required
def create(request, vendor_pk):
    vendor = get_vendor_for_user(request.user, vendor_pk, write=True)
    form = IncidentForm(request.POST or None, vendor=vendor)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.record_incident(
                vendor=vendor, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The incident was recorded."))
            return redirect(incident)
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "vendor": vendor, "heading": _("Record an incident")},
    )


@role_required
def detail(request, pk):
    incident = get_incident_for_user(request.user, pk)
    policy = IncidentPolicy.current()
    today = timezone.localdate()
    can_edit = can_edit_incident(request.user, incident) and incident.is_open
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "vendor": incident.vendor,
            "summary": incident_summary(incident, today, policy=policy),
            "policy": policy,
            "can_edit": can_edit,
            "step_form": StepForm() if can_edit else None,
            "missing_for_closing": services.missing_for_closing(incident) if can_edit else [],
            "deadline_labels": DEADLINE_LABELS,
            "nav_active": "incidents",
            **selectors.incident_page(incident),
        },
    )


@role_required
def edit(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    if not incident.is_open:
        messages.error(request, _("A closed incident cannot change."))
        return redirect(incident)
    form = IncidentForm(request.POST or None, instance=incident, vendor=incident.vendor)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            services.update_incident(incident, user=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The incident was saved; classification and deadlines follow the facts.")
            )
            return redirect(incident)
    return render(
        request,
        "incidents/incident_form.html",
        {"form": form, "vendor": incident.vendor, "incident": incident, "heading": incident.title},
    )


@require_POST
@role_required
def step(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    form = StepForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_step(
                incident,
                kind=data["kind"],
                happened_at=data["happened_at"],
                note=data["note"],
                user=request.user,
                files=[data["file"]] if data["file"] else [],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The step was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(incident)


@require_POST
@role_required
def close(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    try:
        services.close_incident(incident, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The incident was closed."))
    return redirect(incident)


@role_required
def file(request, pk, file_pk):
    incident = get_incident_for_user(request.user, pk)
    stored = selectors.step_file(incident, file_pk)
    if stored is None:
        raise Http404
    return file_response(stored)


@permission_required("assign_vendors")
def policy(request):
    current = IncidentPolicy.current()
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_policy(**form.cleaned_data)
        messages.success(request, _("The incident targets were saved."))
        return redirect("incidents:policy")
    return render(request, "incidents/policy.html", {"form": form, "nav_active": "incidents"})
