"""Incidents follow their vendor's access rules (vendors.access): the owner, assigned
staff, managers (read only) and admins. A vendor contact reaches only the incidents it
reported, through the portal (portal.views), never through these helpers."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.access import visible_or_404
from vendors.access import can_edit_vendor, sees_all_vendors, vendors_visible_to

from .models import Incident


def incidents_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Incident.objects.all() if queryset is None else queryset
    if sees_all_vendors(user):
        return queryset
    return queryset.filter(vendor__in=vendors_visible_to(user).values("pk"))


def can_edit_incident(user, incident: Incident) -> bool:
    return can_edit_vendor(user, incident.vendor)


def get_incident_for_user(user, pk, *, write: bool = False) -> Incident:
    """404 when the user may not see the incident's vendor, 403 when they may see it
    but not change it."""
    incident = visible_or_404(
        incidents_visible_to(user).select_related(
            "vendor__owner", "reported_by", "reported_by_contact", "assessment", "contract"
        ),
        pk,
    )
    if write and not can_edit_incident(user, incident):
        raise PermissionDenied
    return incident
