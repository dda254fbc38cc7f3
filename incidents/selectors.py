from django.db.models import Prefetch, QuerySet

from vendors.models import StoredFile

from .access import incidents_visible_to
from .models import Incident, IncidentStep


def incident_list(user) -> QuerySet:
    return (
        incidents_visible_to(user).select_related("vendor").order_by("status", "-aware_at", "-pk")
    )


def incident_page(incident: Incident) -> dict:
    steps = list(
        incident.steps.select_related("recorded_by", "recorded_by_contact").prefetch_related(
            Prefetch("files", queryset=StoredFile.objects.order_by("pk"))
        )
    )
    revisions = list(incident.revisions.select_related("changed_by", "changed_by_contact"))
    return {"steps": steps, "revisions": revisions}


def open_reportable(queryset: QuerySet) -> QuerySet:
    return queryset.filter(reportable=True).exclude(status=Incident.Status.CLOSED)


def step_file(incident: Incident, file_pk) -> StoredFile | None:
    through = IncidentStep.files.through.objects.filter(
        incidentstep__incident=incident, storedfile_id=file_pk
    )
    if not through.exists():
        return None
    return StoredFile.objects.filter(pk=file_pk, deleted_at__isnull=True).first()
