from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A person who signs in. Their role is the group they belong to."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = list(roles.PERMISSIONS.items())

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role(self) -> str | None:
        """The strongest role among the user's groups, or None for a user without one."""
        names = set(self.groups.values_list("name", flat=True))
        for role in (roles.ADMIN, roles.MANAGER, roles.PROCUREMENT):
            if role in names:
                return role
        return None

    @property
    def role_label(self):
        return roles.ROLE_LABELS.get(self.role, _("No role"))

    @property
    def is_procurement(self) -> bool:
        return self.role == roles.PROCUREMENT

    @property
    def is_manager(self) -> bool:
        return self.role == roles.MANAGER

    @property
    def is_admin_role(self) -> bool:
        return self.role == roles.ADMIN
