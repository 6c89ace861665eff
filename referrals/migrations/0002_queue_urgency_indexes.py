# The coordinators' queue in its default order reads one page along an index (referrals.models.urgency_rank).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                models.Case(
                    models.When(then=models.Value(0), urgency="emergency"),
                    models.When(then=models.Value(1), urgency="urgent"),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                models.F("sent_at"),
                models.F("id"),
                condition=models.Q(("status__in", ["sent", "accepted", "declined"])),
                name="referrals_queue_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                models.Case(
                    models.When(then=models.Value(0), urgency="emergency"),
                    models.When(then=models.Value(1), urgency="urgent"),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                models.F("sent_at"),
                models.F("id"),
                condition=models.Q(("status", "sent")),
                name="referrals_queue_sent_idx",
            ),
        ),
    ]
