"""The dashboards' index: an organisation's latest approved reports, read newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("progress", "0005_indicators")]

    operations = [
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["state", "reviewed_at"], name="update_state_reviewed"),
        ),
    ]
