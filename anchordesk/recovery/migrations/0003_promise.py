# Issue 14: the thing an agent promises a customer is a "promise" in code as it is in the UI.
# Renames keep every row: the table, the step's link and the indexes are renamed in place.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('recovery', '0002_temperature'),
        ('tickets', '0004_temperature'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name='Commitment', new_name='Promise'),
        migrations.RenameField(model_name='recoverystep', old_name='commitment', new_name='promise'),
        migrations.RenameIndex(
            model_name='promise', new_name='recovery_pr_state_dd83d9_idx', old_name='recovery_co_state_e2b73f_idx'
        ),
        migrations.RenameIndex(
            model_name='promise', new_name='recovery_pr_owner_i_884f1b_idx', old_name='recovery_co_owner_i_d02f6e_idx'
        ),
        migrations.AlterField(
            model_name='promise',
            name='ticket',
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name='promises', to='tickets.ticket'),
        ),
        migrations.AlterField(
            model_name='promise',
            name='owner',
            field=models.ForeignKey(on_delete=models.deletion.PROTECT, related_name='promises', to=settings.AUTH_USER_MODEL),
        ),
    ]
