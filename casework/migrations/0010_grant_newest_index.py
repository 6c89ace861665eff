from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0009_grant_case_created_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casegroupobjectpermission",
            name="case_created_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="casegroupobjectpermission",
            index=models.Index(
                fields=["group", "permission", "-case_created_at", "-content_object"], name="casework_grant_newest"
            ),
        ),
    ]
