"""The moved models keep their content types (renamed to this app), so audit entries
and Django-admin permissions that point at them still do."""

from django.db import migrations

MOVED = ("assessment", "answer", "reviewnote", "scoringpolicy", "finding")


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="assessments", model=model).exists():
            continue
        ContentType.objects.filter(app_label="questionnaires", model=model).update(
            app_label="assessments"
        )


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="questionnaires", model=model).exists():
            continue
        ContentType.objects.filter(app_label="assessments", model=model).update(
            app_label="questionnaires"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
