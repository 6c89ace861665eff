"""The case's opening time on each group grant (CaseGroupObjectPermission.case_created_at), filled from the case for
the grants that exist; the next migration makes it required and indexes it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    Grant = apps.get_model("casework", "CaseGroupObjectPermission")
    opened = Case.objects.filter(pk=OuterRef("content_object_id")).values("created_at")[:1]
    Grant.objects.using(schema_editor.connection.alias).update(case_created_at=Subquery(opened))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0008_blind_index_lookup_covers_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="casegroupobjectpermission",
            name="case_created_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
