"""Vocabularies of the learning space: codes in English and stable, labels translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    IDENTIFICATION = "identification", _("Identification")
    OUTREACH = "outreach", _("Outreach")
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid and restitution")
    REPATRIATION = "repatriation", _("Repatriation")
    REINTEGRATION = "reintegration", _("Reintegration")
    ECONOMIC_EMPOWERMENT = "economic_empowerment", _("Economic empowerment")
    DATA_PROTECTION = "data_protection", _("Data protection")
    ADVOCACY = "advocacy", _("Advocacy")
    COORDINATION = "coordination", _("Coordination")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """The workflow of practices and documents."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class DocumentKind(models.TextChoices):
    FORUM_REPORT = "forum_report", _("Forum report")
    SOP = "sop", _("Standard operating procedure")
    TEMPLATE = "template", _("Template or form")
    LAW = "law", _("Law or regulation")
    GUIDE = "guide", _("Guide or training material")
    OTHER = "other", _("Other")


class Institution(models.TextChoices):
    DPR_DPRD = "dpr_dprd", _("DPR and DPRD (national and regional parliaments)")
    KEMENPPPA = "kemenpppa", _("KemenPPPA (Ministry of Women's Empowerment and Child Protection)")
    KEMNAKER = "kemnaker", _("Kemnaker (Ministry of Manpower)")
    KP2MI = "kp2mi", _("KP2MI/BP2MI (migrant worker protection)")
    POLRI = "polri", _("Polri (National Police)")
    KEMENLU = "kemenlu", _("Kemenlu (Ministry of Foreign Affairs)")
    KEMENSOS = "kemensos", _("Kemensos (Ministry of Social Affairs)")
    LPSK = "lpsk", _("LPSK (Witness and Victim Protection Agency)")
    PROVINCIAL = "provincial", _("Provincial governments")
    REGENCY = "regency", _("Regency and city governments")
    TASK_FORCE = "task_force", _("The TPPO task force (Gugus Tugas)")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for endorsement")
    SUBMITTED = "submitted", _("Submitted")
    ANSWERED = "answered", _("Answered")
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    REJECTED = "rejected", _("Rejected")


OUTCOMES = (RecommendationStatus.ADOPTED, RecommendationStatus.PARTLY_ADOPTED, RecommendationStatus.REJECTED)


class SubmissionChannel(models.TextChoices):
    LETTER = "letter", _("Official letter")
    MEETING = "meeting", _("Meeting or audience")
    HEARING = "hearing", _("Hearing (RDP/RDPU)")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class EvidenceKind(models.TextChoices):
    PRACTICE = "practice", _("Good practice")
    REPORT_FIGURE = "report_figure", _("Figure of a quarterly network report")
    CHALLENGE = "challenge", _("Challenge from the register")


# The reviewer's checklist, the same for practices and documents. Every item must be ticked to publish.
CHECKLIST = (
    ("no_victim", _("It identifies no victim, directly or by combination (place, date, age, origin, story).")),
    ("no_personal_data", _("It holds no names, numbers, photos or contact details of people assisted.")),
    ("no_staff_risk", _("It puts no staff member or informant at risk.")),
    ("accurate", _("It is accurate, respectful and useful to other members.")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)
