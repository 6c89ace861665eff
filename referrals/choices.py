from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REASSIGNED = "reassigned", _("Reassigned")


OPEN_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACCEPTED]


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity at the moment")
    SERVICE_NOT_OFFERED = "service_not_offered", _("We do not offer this service")
    OUT_OF_AREA = "out_of_area", _("Outside our area")
    NOT_ELIGIBLE = "not_eligible", _("The person is not eligible")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    SERVICE_GIVEN = "service_given", _("The services were given")
    PARTLY_GIVEN = "partly_given", _("Some of the services were given")
    NOT_GIVEN = "not_given", _("The services could not be given")
    PERSON_DECLINED = "person_declined", _("The person declined the services")


class EventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    UPDATE = "update", _("Update")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REASSIGNED = "reassigned", _("Reassigned")
