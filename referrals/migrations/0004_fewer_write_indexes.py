"""Indexes nothing reads go from the tables every intake and referral writes (see the models): only the indexes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core import indexes


# Each index the fields' changes remove, dropped alone (core.indexes).
INDEXES = [
    ("referrals_historicalreferral_case_id_38c9dec0", "referrals_historicalreferral", "case_id"),
    ("referrals_historicalreferral_consent_id_156f0057", "referrals_historicalreferral", "consent_id"),
    ("referrals_historicalreferral_from_org_id_1e8490d0", "referrals_historicalreferral", "from_org_id"),
    ("referrals_historicalreferral_reassigned_from_id_fc8a09d6", "referrals_historicalreferral", "reassigned_from_id"),
    ("referrals_historicalreferral_reference_6df06b7f", "referrals_historicalreferral", "reference"),
    ("referrals_historicalreferral_reference_6df06b7f_like", "referrals_historicalreferral", "reference"),
    ("referrals_historicalreferral_sent_by_id_7db6e910", "referrals_historicalreferral", "sent_by_id"),
    ("referrals_historicalreferral_to_org_id_1ab791d9", "referrals_historicalreferral", "to_org_id"),
    ("referrals_historicalreferralevent_actor_id_924d6874", "referrals_historicalreferralevent", "actor_id"),
    (
        "referrals_historicalreferralevent_organisation_id_8ae8f426",
        "referrals_historicalreferralevent",
        "organisation_id",
    ),
    ("referrals_referral_from_org_id_493640c2", "referrals_referral", "from_org_id"),
    ("referrals_referral_to_org_id_eb2a2a35", "referrals_referral", "to_org_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_authenticators"),
        ("casework", "0016_fewer_write_indexes"),
        ("referrals", "0003_incoming_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        indexes.dropped(
            [
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="casework.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="consent",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="casework.consent",
                        verbose_name="consent",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="from_org",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="from",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="reassigned_from",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="referrals.referral",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="reference",
                    field=models.CharField(editable=False, max_length=32, verbose_name="reference"),
                ),
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="sent_by",
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
                migrations.AlterField(
                    model_name="historicalreferral",
                    name="to_org",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="to",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalreferralevent",
                    name="actor",
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
                migrations.AlterField(
                    model_name="historicalreferralevent",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="from_org",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals_sent",
                        to="accounts.organisation",
                        verbose_name="from",
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="to_org",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="referrals_received",
                        to="accounts.organisation",
                        verbose_name="to",
                    ),
                ),
            ],
            INDEXES,
        )
    ]
