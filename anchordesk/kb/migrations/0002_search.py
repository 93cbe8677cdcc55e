from django.db import migrations

from anchordesk.kb.search import setup_statements, teardown_statements


def create_search(apps, schema_editor):
    for sql in setup_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop_search(apps, schema_editor):
    for sql in teardown_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]
    operations = [migrations.RunPython(create_search, drop_search)]
