"""The database refuses an item whose version is not its section's version.

Django cannot declare a foreign key over two columns, so this is SQL: on
PostgreSQL a foreign key (section_id, version_id) -> section (id, version_id);
on SQLite, which cannot add a constraint to an existing table, triggers.
A later migration that makes Django rebuild questionnaires_item on SQLite drops
the triggers: tests/questionnaires/test_checklist_rules.py then fails.
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

_ITEM_MISMATCH = (
    "NEW.version_id IS NOT"
    " (SELECT version_id FROM questionnaires_section WHERE id = NEW.section_id)"
)
_REFUSE = "BEGIN SELECT RAISE(ABORT, 'item_version_is_section_version'); END"

SQLITE = [
    (
        "CREATE TRIGGER item_version_is_section_version_insert"
        f" BEFORE INSERT ON questionnaires_item WHEN {_ITEM_MISMATCH} {_REFUSE}",
        "DROP TRIGGER item_version_is_section_version_insert",
    ),
    (
        "CREATE TRIGGER item_version_is_section_version_update"
        " BEFORE UPDATE OF section_id, version_id ON questionnaires_item"
        f" WHEN {_ITEM_MISMATCH} {_REFUSE}",
        "DROP TRIGGER item_version_is_section_version_update",
    ),
    (
        "CREATE TRIGGER section_version_is_its_items_version"
        " BEFORE UPDATE OF version_id ON questionnaires_section"
        " WHEN EXISTS (SELECT 1 FROM questionnaires_item"
        " WHERE section_id = NEW.id AND version_id IS NOT NEW.version_id)"
        f" {_REFUSE}",
        "DROP TRIGGER section_version_is_its_items_version",
    ),
]


def _statements(schema_editor):
    return {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])


def forwards(apps, schema_editor):
    for create, _drop in _statements(schema_editor):
        schema_editor.execute(create)


def backwards(apps, schema_editor):
    for _create, drop in reversed(_statements(schema_editor)):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0007_choices_and_weight_rules")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
