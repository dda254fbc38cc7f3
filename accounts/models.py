from functools import cached_property

from auditlog.registry import auditlog
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

    def get_full_name(self):
        """Family name first, as Japanese names are written (審査 花子), in every language."""
        return f"{self.last_name} {self.first_name}".strip()

    @cached_property
    def role(self) -> str | None:
        """The strongest role among the user's groups, or None for a user without one."""
        names = {group.name for group in self.groups.all()}  # uses a prefetch when there is one
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


class AccessEvent(models.Model):
    """Sign-ins, failed sign-ins, sign-outs, lockouts and refused accesses: the part of
    the operation log that is about people rather than records."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Logged out")
        DENIED = "denied", _("Access refused")
        OTP_FAILED = "otp_failed", _("Wrong one-time code")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset by e-mail")
        DEACTIVATED = "deactivated", _("Account deactivated")
        REACTIVATED = "reactivated", _("Account reactivated")
        OTP_RESET = "otp_reset", _("Two-factor authentication reset")
        PASSWORD_LINK_SENT = "password_link", _("Password-set link sent")
        ACCESS_REVIEW = "access_review", _("Access review recorded")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-timestamp", "-pk"]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Access events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Access events are never deleted.")


class AccessReview(models.Model):
    """A manager's record that the periodic review of who can see which vendor was done."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)
    notes = models.TextField(_("notes"), blank=True)
    vendor_count = models.PositiveIntegerField(default=0, verbose_name=_("vendors reviewed"))
    idle_user_count = models.PositiveIntegerField(default=0, verbose_name=_("idle accounts"))

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["-completed_at"]

    def __str__(self):
        return f"{self.completed_at:%Y-%m-%d} {self.reviewer}"


auditlog.register(
    User,
    include_fields=["username", "last_name", "first_name", "is_active", "groups", "email"],
    m2m_fields={"groups"},
)
auditlog.register(AccessReview)


class ApiToken(models.Model):
    """A personal token for the REST API. It acts as its owner, with the owner's role
    and never more; a read token cannot change anything. Only the SHA-256 of the token
    is stored, with a short prefix to recognise it by."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class SingleSignOnIdentity(models.Model):
    """Which account a subject of the organisation's OpenID provider logs in as."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self):
        return f"{self.user} ← {self.subject}"


auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
auditlog.register(SingleSignOnIdentity, exclude_fields=["last_login_at"])
