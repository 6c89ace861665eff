"""Indexes nothing reads go from the tables every intake and referral writes (see the models): only the indexes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core import indexes


# Each index the fields' changes remove, dropped alone (core.indexes).
INDEXES = [
    ("casework_blindindex_case_id_588cc3fe", "casework_blindindex", "case_id"),
    ("casework_case_owner_id_12e048c1", "casework_case", "owner_id"),
    ("casework_historicalcase_assigned_to_id_e8ef7ae2", "casework_historicalcase", "assigned_to_id"),
    ("casework_historicalcase_created_by_id_2876b8bb", "casework_historicalcase", "created_by_id"),
    ("casework_historicalcase_next_follow_up_3333957f", "casework_historicalcase", "next_follow_up"),
    ("casework_historicalcase_owner_id_dddf98c2", "casework_historicalcase", "owner_id"),
    ("casework_historicalcase_reference_9dd304ba", "casework_historicalcase", "reference"),
    ("casework_historicalcase_reference_9dd304ba_like", "casework_historicalcase", "reference"),
    ("casework_historicalconsent_recorded_by_id_1c16538c", "casework_historicalconsent", "recorded_by_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_authenticators"),
        ("casework", "0015_high_open_restricted"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        indexes.dropped(
            [
                migrations.AlterField(
                    model_name="blindindex",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="blind_indexes",
                        to="casework.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.organisation",
                        verbose_name="owner organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="assigned_to",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assigned caseworker",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="next_follow_up",
                    field=models.DateField(blank=True, null=True, verbose_name="next follow-up"),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="owner organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="reference",
                    field=models.CharField(editable=False, max_length=20, verbose_name="reference"),
                ),
                migrations.AlterField(
                    model_name="historicalconsent",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            INDEXES,
        )
    ]
