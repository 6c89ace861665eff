"""Recovery codes issued before codes were stored hashed: replace each with its keyed hash (see two_factor.py).

A code still works after this; only its stored form changes. Hashes are 16 characters and issued codes 8, so codes
already hashed are left as they are. There is no way back: reversing leaves the hashes in place."""

from django.db import migrations


def hash_codes(apps, schema_editor):
    from accounts.two_factor import recovery_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$").iterator():
        token.token = recovery_digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_indexes_for_queue_and_log"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
