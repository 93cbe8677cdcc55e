# Issue 14: history written before the rename reads the same after it. Audit events of a
# "commitment" become the same events of a "promise" (kind and object type), triggers listening
# for a missed commitment listen for a missed promise, and the promise scan keeps its job health.
# Each step is one UPDATE per kind, so it is quick on a large audit table; reversible.

from django.db import migrations

KINDS = ["added", "updated", "dropped", "kept", "moved", "handed_over", "reminder", "missed"]
OLD_JOB, NEW_JOB = "commitment-scan", "promise-scan"


def _rename(apps, old_word: str, new_word: str, old_job: str, new_job: str) -> None:
    AuditEvent = apps.get_model("core", "AuditEvent")
    Trigger = apps.get_model("automation", "Trigger")
    JobHealth = apps.get_model("core", "JobHealth")
    JobLease = apps.get_model("core", "JobLease")
    for kind in KINDS:
        AuditEvent.objects.filter(kind=f"{old_word}.{kind}").update(kind=f"{new_word}.{kind}")
    AuditEvent.objects.filter(object_type=old_word).update(object_type=new_word)
    for trigger in Trigger.objects.all():
        events = trigger.events if isinstance(trigger.events, list) else []
        renamed = [f"{new_word}.{e.split('.', 1)[1]}" if isinstance(e, str) and e.startswith(f"{old_word}.") else e for e in events]
        if renamed != events:
            trigger.events = renamed
            trigger.save(update_fields=["events"])
    if not JobHealth.objects.filter(name=new_job).exists():
        JobHealth.objects.filter(name=old_job).update(name=new_job)
    JobLease.objects.filter(name=old_job).delete()  # the job runs under its new name from now on


def forwards(apps, schema_editor) -> None:
    _rename(apps, "commitment", "promise", OLD_JOB, NEW_JOB)


def backwards(apps, schema_editor) -> None:
    _rename(apps, "promise", "commitment", NEW_JOB, OLD_JOB)


class Migration(migrations.Migration):

    dependencies = [
        ('recovery', '0003_promise'),
        ('core', '0002_job_leases_and_health'),
        ('automation', '0005_csat_settings'),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
