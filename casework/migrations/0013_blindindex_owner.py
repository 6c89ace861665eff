# The case's owner copied onto its blind indexes, for a search by name that reads its own organisation's rows only.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_owner(apps, schema_editor):
    BlindIndex = apps.get_model("casework", "BlindIndex")
    Case = apps.get_model("casework", "Case")
    owner = Case.objects.filter(pk=OuterRef("case_id")).values("owner_id")[:1]
    BlindIndex.objects.update(owner_id=Subquery(owner))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_authenticators"),
        ("casework", "0012_high_open_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="blindindex",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(copy_owner, migrations.RunPython.noop),
    ]
