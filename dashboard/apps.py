from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # The figures count vendors, certificates, assessments and findings: any write to
        # them replaces the cached figures.
        from .figures import connect_invalidation

        connect_invalidation()
