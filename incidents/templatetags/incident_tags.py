"""Incidents on other apps' pages (the vendor page), so their views need not know of
incidents: vendors' templates load this; vendors' code never imports incidents."""

from django import template
from django.utils import timezone

from ..models import Incident, IncidentPolicy
from ..presenters import incident_summary, raised_risk

register = template.Library()
SHOWN = 10


@register.simple_tag
def vendor_incidents(vendor):
    """The vendor's latest incidents and whether an open reportable one raises its
    displayed residual risk (one query, whatever the number of incidents)."""
    today = timezone.localdate()
    incidents = list(
        Incident.objects.filter(vendor=vendor).order_by("status", "-aware_at", "-pk")[:SHOWN]
    )
    open_reportable = any(i.reportable and i.is_open for i in incidents) or (
        len(incidents) == SHOWN
        and Incident.objects.filter(vendor=vendor, reportable=True)
        .exclude(status=Incident.Status.CLOSED)
        .exists()
    )
    policy = IncidentPolicy.current() if incidents else None
    return {
        "rows": [incident_summary(i, today, policy=policy) for i in incidents],
        "open_reportable": open_reportable,
        "raised_risk": raised_risk(vendor.current_residual_risk) if open_reportable else "",
    }


register.filter("raised_risk", raised_risk)
