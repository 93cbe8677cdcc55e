from django.db import migrations, models


class Migration(migrations.Migration):
    """Authority limits count exceptions per a period of days chosen per role (was fixed at 30)."""

    dependencies = [
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="authoritylimit",
            old_name="max_count_per_30_days",
            new_name="max_count",
        ),
        migrations.AddField(
            model_name="authoritylimit",
            name="period_days",
            field=models.PositiveSmallIntegerField(default=30),
        ),
        migrations.AddField(
            model_name="authoritylimit",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
