import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Numbered 0004: another branch adds 0003 in parallel (the lead joins the chain).
    dependencies = [
        ("assessments", "0003_rating_and_single_policy"),
        ("vendors", "0006_residual_risk_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="answered_by_contact",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="vendors.contact",
                verbose_name="answered by vendor contact",
            ),
        ),
    ]
