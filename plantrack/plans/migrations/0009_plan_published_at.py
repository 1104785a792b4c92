import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def publish_existing(apps, schema_editor):
    """Every plan that existed before drafts did is public: published when it was created."""
    Plan = apps.get_model("plans", "Plan")
    Plan.objects.update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_stakeholder_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="published_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, null=True, verbose_name="published"
            ),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
