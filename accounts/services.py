from django.contrib.auth.models import Group, Permission

from . import roles


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
