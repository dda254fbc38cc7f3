from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from vendors.retention import register_file_source

        register_file_source(_step_files)


def _step_files(vendor):
    """Files attached to the vendor's incident timeline, deleted with its other files
    after the retention period; the incident records themselves stay."""
    from .models import IncidentStep

    return IncidentStep.files.through.objects.filter(incidentstep__incident__vendor=vendor).values(
        "storedfile_id"
    )
