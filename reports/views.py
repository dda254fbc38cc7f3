from urllib.parse import quote

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from accounts.access import permission_required, role_required
from assessments.access import get_assessment_for_user
from incidents.access import get_incident_for_user

from . import incident_pdf, services
from .access import get_incident_report_for_user, get_report_for_user, reports_visible_to
from .models import Report

PAGE_SIZE = 25


# Said when the broker is down: the request is kept and queued once it is back.
UNREACHABLE = gettext_noop(
    "The report service cannot be reached right now. Your request is saved and "
    "the PDF will be made as soon as the service is back; nothing is lost."
)


def _assessment_url(report_or_assessment_pk) -> str:
    return reverse("assessments:detail", args=[report_or_assessment_pk]) + "#reports"


@require_GET
@role_required
def index(request):
    reports = reports_visible_to(request.user).select_related("assessment__vendor", "requested_by")
    page = Paginator(reports.order_by("-requested_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/report_list.html", {"page": page, "nav_active": "reports"})


@require_POST
@permission_required("request_reports")
def request_report(request, assessment_pk):
    assessment = get_assessment_for_user(request.user, assessment_pk)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose Japanese or English for the report."))
        return redirect(_assessment_url(assessment.pk))
    with transaction.atomic():
        report, created = services.request_report(assessment, language, user=request.user)
    if created and report.queued_at is None:
        messages.warning(request, _(UNREACHABLE))
    elif not created and report.status == Report.Status.READY:
        messages.info(
            request,
            _("The assessment has not changed since this PDF was made: it is ready to download."),
        )
    return redirect(_assessment_url(assessment.pk))


@require_GET
@role_required
def detail(request, pk):
    report = get_report_for_user(request.user, pk)
    return render(
        request, "reports/report_detail.html", {"report": report, "nav_active": "reports"}
    )


@require_GET
@role_required
def status(request, pk):
    """The progress fragment, polled by htmx until the report is ready or failed."""
    report = get_report_for_user(request.user, pk)
    return render(request, "reports/_status.html", {"report": report})


@require_GET
@permission_required("request_reports")
def download(request, pk):
    report = get_report_for_user(request.user, pk)
    return _download(report, fallback=f"report-{report.pk}.pdf")


def _download(report, *, fallback):
    """The stored PDF as an attachment, the download in the audit log; a 404 when there
    is no file (not rendered yet, or deleted after the retention period)."""
    if not report.is_downloadable:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    LogEntry.objects.log_create(
        report,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"download": [report.file.name, report.sha256]},
    )
    response = FileResponse(handle, content_type="application/pdf")
    name = report.download_name()
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required("request_reports")
def retry(request, pk):
    report = get_report_for_user(request.user, pk)
    with transaction.atomic():
        queued = services.retry(report)
    if not queued:
        messages.info(request, _("Only a failed report can be tried again."))
    elif report.queued_at is None:
        messages.warning(request, _(UNREACHABLE))
    return redirect(_assessment_url(report.assessment_id))


@require_POST
@permission_required("request_reports")
def request_incident(request, incident_pk):
    incident = get_incident_for_user(request.user, incident_pk)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose Japanese or English for the report."))
        return redirect(incident.get_absolute_url() + "#reports")
    with transaction.atomic():
        report, created = incident_pdf.request_incident_report(
            incident, language, user=request.user
        )
    if created and report.queued_at is None:
        messages.warning(request, _(UNREACHABLE))
    elif not created and report.status == Report.Status.READY:
        messages.info(
            request, _("The incident has not changed since this PDF was made: it is ready.")
        )
    return redirect(incident.get_absolute_url() + "#reports")


@require_GET
@role_required
def incident_status(request, pk):
    report = get_incident_report_for_user(request.user, pk)
    return render(request, "reports/_incident_status.html", {"report": report})


@require_GET
@permission_required("request_reports")
def incident_download(request, pk):
    report = get_incident_report_for_user(request.user, pk)
    return _download(report, fallback=f"incident-{report.pk}.pdf")


@require_POST
@permission_required("request_reports")
def incident_retry(request, pk):
    report = get_incident_report_for_user(request.user, pk)
    with transaction.atomic():
        queued = services.retry(report)
    if not queued:
        messages.info(request, _("Only a failed report can be tried again."))
    elif report.queued_at is None:
        messages.warning(request, _(UNREACHABLE))
    return redirect(report.incident.get_absolute_url() + "#reports")
