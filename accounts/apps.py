from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from .services import ensure_roles

    ensure_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import events, sessions  # noqa: F401 - signal receivers

        # After auth has created the permissions (auth's handler is connected first).
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="accounts.ensure_roles")
