"""The vendor page's history reads audit entries by ``additional_data -> 'vendor_id'``
(vendors.selectors.vendor_history), newest first: on PostgreSQL an expression index
answers that without reading every entry. (SQLite keeps the plain scan.)"""

from django.db import migrations

INDEX = "auditlog_logentry_vendor_history"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "((additional_data -> 'vendor_id'), timestamp DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0009_vendor_search_key"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
