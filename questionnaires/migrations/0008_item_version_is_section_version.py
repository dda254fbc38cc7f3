"""PostgreSQL refuses an item whose version is not its section's version.

Django cannot declare a foreign key over two columns, so this is SQL: a foreign
key (section_id, version_id) -> section (id, version_id). Django's PostgreSQL
migrations alter tables in place and leave it alone.

SQLite (the embedded mode) is left out on purpose: it cannot add a constraint
to an existing table, and triggers that read the other table would make every
later Django rebuild of either table fail ("error in trigger ... no such
table"). There, Item.save() derives the version from the section.
"""

from django.db import migrations

POSTGRESQL = [
    (
        "ALTER TABLE questionnaires_section"
        " ADD CONSTRAINT section_id_version_unique UNIQUE (id, version_id)",
        "ALTER TABLE questionnaires_section DROP CONSTRAINT section_id_version_unique",
    ),
    (
        "ALTER TABLE questionnaires_item ADD CONSTRAINT item_version_is_section_version"
        " FOREIGN KEY (section_id, version_id)"
        " REFERENCES questionnaires_section (id, version_id)",
        "ALTER TABLE questionnaires_item DROP CONSTRAINT item_version_is_section_version",
    ),
]


def _statements(schema_editor):
    return POSTGRESQL if schema_editor.connection.vendor == "postgresql" else []


def forwards(apps, schema_editor):
    for create, _drop in _statements(schema_editor):
        schema_editor.execute(create)


def backwards(apps, schema_editor):
    for _create, drop in reversed(_statements(schema_editor)):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0007_choices_and_weight_rules")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
