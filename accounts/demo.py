"""Demo users for `make run`. Development only: the passwords are in the README."""

from django.contrib.auth.models import Group

from . import roles
from .models import User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - development-only, documented in README
DEMO_USERS = (
    # username, last name, first name, e-mail, role
    ("admin", "管理", "太郎", "admin@example.com", roles.ADMIN),
    ("manager", "審査", "花子", "manager@example.com", roles.MANAGER),
    ("staff1", "調達", "一郎", "staff1@example.com", roles.PROCUREMENT),
    ("staff2", "購買", "次郎", "staff2@example.com", roles.PROCUREMENT),
)


def create_demo_users() -> dict[str, User]:
    """Create (or find) the four demo users; never resets a changed password."""
    people = {}
    for username, last, first, email, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "email": email,
                "is_staff": role == roles.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        people[username] = user
    return people
