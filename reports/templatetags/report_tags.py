"""Report lists for other apps' pages, so their views need not know about reports."""

from django import template

from ..models import Report

register = template.Library()
SHOWN = 10


@register.simple_tag
def assessment_reports(assessment):
    """The latest reports of an assessment the page already showed to the user."""
    return list(
        Report.objects.filter(assessment=assessment)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:SHOWN]
    )


@register.simple_tag
def vendor_reports(vendor):
    """The latest reports of a vendor the page already showed to the user. Uses the
    vendor's prefetched assessments: no assessment, no report, and no query."""
    assessment_ids = [a.pk for a in vendor.assessments.all()]
    if not assessment_ids:
        return []
    return list(
        Report.objects.filter(assessment_id__in=assessment_ids)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:SHOWN]
    )


@register.simple_tag
def incident_reports(incident):
    """The latest PDFs of an incident the page already showed to the user."""
    from ..models import IncidentReport

    return list(
        IncidentReport.objects.filter(incident=incident)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")[:SHOWN]
    )
