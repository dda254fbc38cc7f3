import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Vendor portal")

    def ready(self):
        from . import notices  # noqa: F401 - registers the portal's kinds of notification

        # Handlers configured by others (runserver's django.server, gunicorn's access log
        # when it shares the process) get the token filter too: a link is a bearer secret.
        from .redaction import RedactPortalTokens

        loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
        for logger in loggers:
            for handler in getattr(logger, "handlers", []):
                if not any(isinstance(f, RedactPortalTokens) for f in handler.filters):
                    handler.addFilter(RedactPortalTokens())
