"""The actor's own index goes (the (actor, at) and (actor, event, at) indexes begin with it): only the index, so that
SQLite does not rebuild the table, which would drop the access log's guards (core.indexes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core import indexes


# Each index the fields' changes remove, dropped alone (core.indexes).
INDEXES = [
    ("audit_accesslog_actor_id_0f94aef1", "audit_accesslog", "actor_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_accesslog_actor_event_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        indexes.dropped(
            [
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
            ],
            INDEXES,
        )
    ]
