# Mailbox secrets (password, OAuth2 token, push secret) encrypted at rest with
# ANCHORDESK_ENCRYPTION_KEY (anchordesk.core.crypto); existing plain text is encrypted here.

from django.db import migrations

import anchordesk.core.crypto

SECRETS = ("password", "oauth2_token", "push_secret")


def encrypt_existing(apps, schema_editor):
    """Plain text written before this migration reads as it is and is written back encrypted."""
    Mailbox = apps.get_model("mail", "Mailbox")
    for box in Mailbox.objects.using(schema_editor.connection.alias).all():
        box.save(update_fields=list(SECRETS))


def decrypt_back(apps, schema_editor):
    """Going back: plain text again (raw SQL, since the field would encrypt what it is given)."""
    from anchordesk.core.crypto import reveal

    connection = schema_editor.connection
    table = connection.ops.quote_name("mail_mailbox")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password, oauth2_token, push_secret FROM {table}")
        rows = cursor.fetchall()
        for pk, *values in rows:
            plain = [str(reveal(value or "")) for value in values]
            cursor.execute(
                f"UPDATE {table} SET password = %s, oauth2_token = %s, push_secret = %s WHERE id = %s",
                [*plain, pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0005_outbound_kind_new_contact"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailbox",
            name="oauth2_token",
            field=anchordesk.core.crypto.EncryptedTextField(
                blank=True, help_text="Bearer token for providers that need OAuth2 (XOAUTH2)"
            ),
        ),
        migrations.AlterField(
            model_name="mailbox",
            name="password",
            field=anchordesk.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="mailbox",
            name="push_secret",
            field=anchordesk.core.crypto.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_back),
    ]
