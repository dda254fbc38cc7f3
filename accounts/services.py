from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import roles
from .events import record
from .models import AccessEvent, User


def ensure_roles() -> None:
    """Make sure each role's group exists with at least its permissions.

    The data migration creates the roles; this also runs after every migrate
    (and after a test database flush), so the roles can never go missing.
    """
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="accounts", codename__in=roles.PERMISSIONS
        )
    }
    for role, codenames in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(perms[c] for c in codenames if c in perms))
    for role, labels in roles.ROLE_MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for label in labels:
            app_label, codename = label.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                group.permissions.add(permission)


# User management by administrators, inside the app. The views check the role; these
# keep the rules that hold whoever calls them: nobody locks themselves out, and the last
# active administrator stays one. Every change is audited: field changes by
# django-auditlog (User is registered), the rest as access events naming the admin.


def _other_active_admins(user) -> bool:
    return (
        User.objects.filter(is_active=True, groups__name=roles.ADMIN).exclude(pk=user.pk).exists()
    )


def _keeps_an_admin(*, by, user, role: str | None, active: bool) -> None:
    if user.role != roles.ADMIN or (role == roles.ADMIN and active):
        return
    if user.pk == by.pk:
        raise ValidationError(
            _("You cannot take away your own administrator role or deactivate yourself.")
        )
    if not _other_active_admins(user):
        raise ValidationError(_("This is the last active administrator; appoint another first."))


def _set_role(user, role: str) -> None:
    """The role is the one role group the user belongs to; other groups stay."""
    current = set(user.groups.filter(name__in=roles.ROLES).values_list("name", flat=True))
    if current != {role}:
        user.groups.remove(*Group.objects.filter(name__in=current - {role}))
        user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("role", None)  # the cached property
    if user.is_staff != (role == roles.ADMIN):
        # Only administrators reach Django's admin (the scoring policy, the raw log).
        user.is_staff = role == roles.ADMIN
        user.save(update_fields=["is_staff"])


@transaction.atomic
def create_user(*, by, username, last_name, first_name, email, role, language="") -> User:
    """A new account with ``role`` and no password: the person chooses one through the
    password-set link (``send_password_link``)."""
    user = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        email=email,
        language=language,
    )
    user.set_unusable_password()
    user.save()
    _set_role(user, role)
    return user


@transaction.atomic
def update_user(*, by, user, last_name, first_name, email, role, language="") -> User:
    _keeps_an_admin(by=by, user=user, role=role, active=user.is_active)
    user.last_name, user.first_name, user.email, user.language = (
        last_name,
        first_name,
        email,
        language,
    )
    user.save(update_fields=["last_name", "first_name", "email", "language"])
    _set_role(user, role)
    return user


@transaction.atomic
def set_active(*, by, user, active: bool, request=None) -> None:
    """Deactivate (sessions end at once, see accounts.sessions) or reactivate."""
    if user.is_active == active:
        return
    if not active:
        _keeps_an_admin(by=by, user=user, role=user.role, active=False)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if active:
        record(
            AccessEvent.Kind.REACTIVATED,
            request,
            user=user,
            detail=f"by {by.get_username()}",
        )


@transaction.atomic
def reset_two_factor(*, by, user, request=None) -> int:
    """Remove the user's authenticator devices (a lost phone); the next login sets one up
    again where the role requires it. Returns how many were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    record(
        AccessEvent.Kind.OTP_RESET,
        request,
        user=user,
        detail=f"by {by.get_username()}, devices removed: {removed}",
    )
    return removed


def password_link(user) -> str:
    """The one-time link that lets ``user`` choose a password (Django's reset token)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_password_link(*, by, user, request=None) -> None:
    """E-mail ``user`` a link to choose their password, in the user's language."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    if not user.is_active:
        raise ValidationError(_("Reactivate the account before sending a password link."))
    if not user.email:
        raise ValidationError(_("This user has no e-mail address."))
    with translation.override(user.language or translation.get_language()):
        context = {
            "user": user,
            "link": password_link(user),
            "link_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
            "by": by,
        }
        subject = render_to_string("accounts/email/password_link_subject.txt", context)
        body = render_to_string("accounts/email/password_link.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    record(
        AccessEvent.Kind.PASSWORD_LINK_SENT,
        request,
        user=user,
        detail=f"by {by.get_username()} to {user.email}",
    )
