"""Create the three roles (groups) with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "procurement_staff": ["register_vendors", "answer_assessments", "request_reports"],
    "manager": [
        "view_all_vendors",
        "review_assessments",
        "compare_vendors",
        "request_reports",
        "view_audit_log",
    ],
    "admin": [
        "register_vendors",
        "view_all_vendors",
        "assign_vendors",
        "compare_vendors",
        "request_reports",
        "manage_checklist",
        "manage_users",
        "view_audit_log",
        # Django admin for user accounts.
        "add_user",
        "change_user",
        "view_user",
    ],
}


def create_roles(apps, schema_editor):
    # Custom permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="accounts", codename__in=codenames
        )
        group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
