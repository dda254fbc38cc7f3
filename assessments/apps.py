from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from vendors.retention import register_file_source

        register_file_source(_answer_evidence)


def _answer_evidence(vendor):
    """Evidence attached to the vendor's answers, deleted with its other files."""
    from .models import Answer

    return Answer.evidence.through.objects.filter(answer__assessment__vendor=vendor).values(
        "storedfile_id"
    )
