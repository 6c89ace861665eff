"""The actor's own index goes (the (actor, at) and (actor, event, at) indexes begin with it). SQLite alters a
column by rebuilding its table, which drops the table's triggers: the guards are put back there (audit.guards);
PostgreSQL alters it in place and keeps them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def guards_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        from audit import guards

        guards.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_accesslog_actor_event_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslog",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(guards_back, migrations.RunPython.noop),
    ]
