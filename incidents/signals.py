"""Signals for the apps above (notifications, dashboard), so this app never imports them."""

from django.dispatch import Signal

# sender=Incident, incident=..., contact=...: a vendor contact reported one in the portal.
incident_reported = Signal()
