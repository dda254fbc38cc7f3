"""Reports follow their assessment's access rules (assessments.access)."""

from django.db.models import QuerySet

from assessments.access import assessments_visible_to
from core.access import visible_or_404

from .models import Report


def reports_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Report.objects.all() if queryset is None else queryset
    return queryset.filter(assessment__in=assessments_visible_to(user).values("pk"))


def get_report_for_user(user, pk) -> Report:
    """404 when the user may not see the report's assessment."""
    return visible_or_404(
        reports_visible_to(user).select_related("assessment__vendor", "requested_by"), pk
    )


def get_incident_report_for_user(user, pk):
    """404 when the user may not see the report's incident (incidents.access)."""
    from incidents.access import incidents_visible_to

    from .models import IncidentReport

    visible = IncidentReport.objects.filter(
        incident__in=incidents_visible_to(user).values("pk")
    ).select_related("incident__vendor", "requested_by")
    return visible_or_404(visible, pk)
