from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from django.apps import apps

    if sender.label != [a for a in apps.get_app_configs() if a.models_module][-1].label:
        return  # once, after the last app has created its permissions
    from .services import ensure_roles

    ensure_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import events, sessions  # noqa: F401 - signal receivers

        # After every app's post_migrate: the roles hold permissions of later apps too,
        # which exist only once those apps' own handlers have run.
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.ensure_roles")
