"""Vocabularies shared by every app: codes in English, labels translated (see ../shared/DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Admin")


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    SHELTER = "shelter", _("Shelter")
    LEGAL_AID = "legal_aid", _("Legal aid institute")
    UPTD_PPA = "uptd_ppa", _("UPTD PPA (women and child protection unit)")
    GOVERNMENT_SOCIAL_SERVICE = "government_social_service", _("Social service office (Dinas Sosial)")
    POLICE = "police", _("Police (PPA unit)")
    HEALTH_SERVICE = "health_service", _("Hospital or health centre")
    MIGRANT_WORKER_AGENCY = "migrant_worker_agency", _("Migrant worker protection (BP3MI)")
    TASK_FORCE = "task_force", _("Anti-trafficking task force (Gugus Tugas)")
    OTHER = "other", _("Other")


class ServiceType(models.TextChoices):
    OUTREACH = "outreach", _("Outreach")
    EMERGENCY = "emergency", _("Emergency help")
    SHELTER = "shelter", _("Safe house or temporary shelter")
    MEDICAL = "medical", _("Medical rehabilitation")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    SOCIAL_REHABILITATION = "social_rehabilitation", _("Social rehabilitation")
    LEGAL_AID = "legal_aid", _("Legal aid")
    WITNESS_PROTECTION = "witness_protection", _("Witness protection (LPSK)")
    RESTITUTION = "restitution", _("Restitution")
    REPATRIATION = "repatriation", _("Repatriation")
    REINTEGRATION = "reintegration", _("Social reintegration")
    ECONOMIC_EMPOWERMENT = "economic_empowerment", _("Economic empowerment")
    CIVIL_DOCUMENTS = "civil_documents", _("Civil documents")
    EDUCATION = "education", _("Education")
