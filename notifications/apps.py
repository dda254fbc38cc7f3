from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The kinds this app knows of, and its receivers of the lower apps' signals.
        from . import kinds, receivers  # noqa: F401
