"""The access log as keyed chains, one per organisation (issue 16 #6, issue 15 #4): chain and seq on every entry,
signed anchors, and guards that also refuse INSERT OR REPLACE (SQLite) and TRUNCATE (PostgreSQL).

Existing entries are re-chained once under JEJARING_LOG_KEY, in their order, each into its organisation's chain."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def rechain(apps, schema_editor):
    from audit import chain as keyed

    AccessLog = apps.get_model("audit", "AccessLog")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_accesslog_no_update")
    heads: dict[int, tuple[int, str]] = {}
    batch = []
    for entry in AccessLog.objects.order_by("id").iterator(chunk_size=BATCH):
        entry.chain = entry.organisation_id or 0
        seq, prev = heads.get(entry.chain, (0, keyed.GENESIS))
        entry.seq, entry.prev_hash = seq + 1, prev
        entry.hash = keyed.entry_digest(entry, prev)
        heads[entry.chain] = (entry.seq, entry.hash)
        batch.append(entry)
        if len(batch) >= BATCH:
            AccessLog.objects.bulk_update(batch, ["chain", "seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AccessLog.objects.bulk_update(batch, ["chain", "seq", "prev_hash", "hash"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER USER")


def guards_up(apps, schema_editor):
    from audit import guards

    guards.install(schema_editor)


def guards_down(apps, schema_editor):
    from audit import guards

    guards.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("heads", models.JSONField(default=dict)),
                ("prev_signature", models.CharField(blank=True, max_length=64)),
                ("signature", models.CharField(max_length=64)),
            ],
            options={
                "ordering": ["-id"],
            },
        ),
        migrations.AddField(
            model_name="accesslog",
            name="chain",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="accesslogverification",
            name="problem",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="event",
            field=models.CharField(
                choices=[
                    ("signed_in", "Signed in"),
                    ("signed_out", "Signed out"),
                    ("sign_in_failed", "Sign-in failed"),
                    ("case_viewed", "Case viewed"),
                    ("field_revealed", "Sensitive field revealed"),
                    ("searched", "Search made"),
                    ("exported", "List exported"),
                    ("access_denied", "Access denied"),
                    ("duplicate_checked", "Duplicate check made"),
                    ("password_reset_sent", "Password reset link sent by an admin"),
                    ("two_factor_reset", "Two-factor sign-in reset by an admin"),
                    ("account_deactivated", "Account deactivated by an admin"),
                    ("email_changed", "Account email changed"),
                    ("account_command", "Account changed by a server command"),
                ],
                max_length=32,
                verbose_name="event",
            ),
        ),
        migrations.AlterField(
            model_name="auditflag",
            name="kind",
            field=models.CharField(
                choices=[
                    ("many_cases", "Many cases opened in an hour"),
                    ("outside_hours", "Access outside working hours"),
                    ("export", "List exported"),
                    ("denials", "Repeated access denials"),
                    ("new_address", "Sign-in from a new address"),
                    ("many_searches", "Many identity searches in a short time"),
                    ("many_reveals", "Many identity fields revealed in a short time"),
                    ("empty_searches", "Many searches that found nothing"),
                    ("new_member", "Cases read soon after joining an organisation"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="accesslog",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_accesslog_chain_seq"),
        ),
        migrations.RunPython(guards_up, guards_down),
    ]
