from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from vendors.retention import register_report_source

        register_report_source(_reports_with_files)
        register_report_source(_incident_reports_with_files)


def _reports_with_files(vendor):
    from .models import Report

    return Report.objects.filter(assessment__vendor=vendor).exclude(file="")


def _incident_reports_with_files(vendor):
    from .models import IncidentReport

    return IncidentReport.objects.filter(incident__vendor=vendor).exclude(file="")
