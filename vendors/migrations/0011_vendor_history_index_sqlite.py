"""The vendor page's history on SQLite: an index on the entry's vendor as
``vendors.selectors.vendor_history`` writes it there (``json_extract`` with the path
written out), newest first, so the page reads only that vendor's entries.
(PostgreSQL has its own since 0010.)"""

from django.db import migrations

INDEX = "auditlog_logentry_vendor_history_sqlite"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "(json_extract(additional_data, '$.vendor_id'), timestamp DESC, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("vendors", "0010_vendor_history_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
