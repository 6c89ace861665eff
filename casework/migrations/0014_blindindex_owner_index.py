# The blind indexes' owner required and indexed: a migration of its own, because PostgreSQL refuses to alter a table
# whose rows the same transaction has updated under a deferred foreign key (0013 copies the owners).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_authenticators"),
        ("casework", "0013_blindindex_owner"),
    ]

    operations = [
        migrations.AlterField(
            model_name="blindindex",
            name="owner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RemoveIndex(model_name="blindindex", name="casework_blindindex_lookup"),
        migrations.AddIndex(
            model_name="blindindex",
            index=models.Index(fields=["kind", "digest", "owner", "case"], name="casework_blindindex_owner"),
        ),
    ]
