"""Receivers of the lower apps' signals: their events become notifications here, so
that assessments and reports never import this app."""

from django.dispatch import receiver

from assessments.signals import workflow_step
from incidents.signals import incident_reported
from reports.signals import report_ready

from . import kinds, services

WORKFLOW_KINDS = {
    "submit": ("assessment_submitted", kinds.submitted),
    "return": ("assessment_returned", kinds.returned),
    "approve": ("assessment_approved", kinds.approved),
}


@receiver(workflow_step, dispatch_uid="notifications.workflow_step")
def on_workflow_step(sender, assessment, action, **kwargs):
    if action not in WORKFLOW_KINDS:
        return
    code, occurrence = WORKFLOW_KINDS[action]
    services.notify(code, occurrence(assessment))


@receiver(report_ready, dispatch_uid="notifications.report_ready")
def on_report_ready(sender, report, **kwargs):
    services.notify("report_ready", kinds.report_ready(report))


@receiver(incident_reported, dispatch_uid="notifications.incident_reported")
def on_incident_reported(sender, incident, **kwargs):
    services.notify("incident_reported", kinds.incident_reported(incident))
