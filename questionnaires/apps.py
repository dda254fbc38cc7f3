from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("Checklists and assessments")

    def ready(self):
        # The last app whose models the dashboard counts: vendors and assessments.
        from duediligence.dashboard import connect_invalidation

        connect_invalidation()
