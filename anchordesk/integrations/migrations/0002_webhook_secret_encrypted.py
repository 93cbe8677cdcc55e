# Webhook signing secrets encrypted at rest with ANCHORDESK_ENCRYPTION_KEY (anchordesk.core.crypto);
# existing plain text is encrypted here.

from django.db import migrations

import anchordesk.core.crypto


def encrypt_existing(apps, schema_editor):
    """Plain text written before this migration reads as it is and is written back encrypted."""
    Webhook = apps.get_model("integrations", "Webhook")
    for webhook in Webhook.objects.using(schema_editor.connection.alias).all():
        webhook.save(update_fields=["secret"])


def decrypt_back(apps, schema_editor):
    """Going back: plain text again (raw SQL, since the field would encrypt what it is given)."""
    from anchordesk.core.crypto import reveal

    connection = schema_editor.connection
    table = connection.ops.quote_name("integrations_webhook")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")
        for pk, secret in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [str(reveal(secret or "")), pk])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhook",
            name="secret",
            field=anchordesk.core.crypto.EncryptedTextField(),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
    ]
