"""Casework vocabularies, based on IOM's Human Trafficking Case Data Standard (HTCDS 2.0, CC BY 4.0).

Codes are English and stable (anonymised exports map onto HTCDS); labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMININE = "feminine", _("Female")
    MASCULINE = "masculine", _("Male")
    TRANSGENDER_FEMININE = "transgender_feminine", _("Transgender woman")
    TRANSGENDER_MASCULINE = "transgender_masculine", _("Transgender man")
    NON_CONFORMING = "non_conforming", _("Gender non-conforming")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    CHILD_0_11 = "0_11", _("0–11 years")
    CHILD_12_17 = "12_17", _("12–17 years")
    ADULT_18_24 = "18_24", _("18–24 years")
    ADULT_25_34 = "25_34", _("25–34 years")
    ADULT_35_49 = "35_49", _("35–49 years")
    ADULT_50_PLUS = "50_plus", _("50 years or older")
    UNKNOWN = "unknown", _("Unknown")

    @classmethod
    def for_age(cls, age: int) -> "AgeBand":
        for limit, band in (
            (11, cls.CHILD_0_11),
            (17, cls.CHILD_12_17),
            (24, cls.ADULT_18_24),
            (34, cls.ADULT_25_34),
            (49, cls.ADULT_35_49),
        ):
            if age <= limit:
                return band
        return cls.ADULT_50_PLUS


CHILD_BANDS = {AgeBand.CHILD_0_11, AgeBand.CHILD_12_17}


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIVE = "active", _("Active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    CLIENT_REQUEST = "client_request", _("At the person's request")
    REFERRED_OUT = "referred_out", _("Referred to another organisation")
    RELOCATED = "relocated", _("Relocated")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    NOT_TRAFFICKING = "not_trafficking", _("Not a trafficking case")
    DECEASED = "deceased", _("Deceased")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class IntakeChannel(models.TextChoices):
    SELF = "self", _("The person came forward")
    FAMILY = "family", _("Family or community")
    OUTREACH = "outreach", _("Outreach (penjangkauan)")
    HOTLINE = "hotline", _("Hotline or complaint (pengaduan)")
    POLICE = "police", _("Police")
    GOVERNMENT = "government", _("Government agency")
    NETWORK = "network", _("Another member of the network")
    OTHER = "other", _("Other")


class TraffickingStatus(models.TextChoices):
    POSSIBLE = "possible", _("Possible victim")
    CONFIRMED = "confirmed", _("Confirmed victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")


class DeterminedBy(models.TextChoices):
    POLICE = "police", _("Police")
    NGO = "ngo", _("Non-governmental organisation")
    COURT_OR_PROSECUTION = "court_or_prosecution", _("Court or prosecution")
    OTHER_GOVERNMENT = "other_government", _("Other government agency")
    OTHER = "other", _("Other")


class ExploitationType(models.TextChoices):
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    SERVITUDE = "servitude", _("Servitude")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    FORCED_BEGGING = "forced_begging", _("Forced begging")
    FORCED_ADOPTION = "forced_adoption", _("Forced adoption")
    SURROGACY = "surrogacy", _("Forced surrogacy")
    ONLINE_SCAM_COMPOUND = "online_scam_compound", _("Online scam compound")
    OTHER = "other", _("Other")


class LabourSector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    FISHING_AND_AQUACULTURE = "fishing_and_aquaculture", _("Fishing and aquaculture")
    CONSTRUCTION = "construction", _("Construction")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    HOSPITALITY = "hospitality", _("Hospitality")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MINING = "mining", _("Mining")
    BEGGING_AND_PEDDLING = "begging_and_peddling", _("Begging and peddling")
    TRANSPORT = "transport", _("Transport")
    ONLINE_FRAUD = "online_fraud", _("Online fraud")
    OTHER = "other", _("Other")


class MeansOfControl(models.TextChoices):
    PHYSICAL_THREATS = "physical_threats", _("Threats of violence")
    THREATS_OF_LAW_ENFORCEMENT = "threats_of_law_enforcement", _("Threats of police or deportation")
    THREATS_TO_FAMILY = "threats_to_family", _("Threats to family")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    FALSE_PROMISES = "false_promises", _("False promises")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricts access to money")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds food, water or sleep")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Forced use of drugs or alcohol")
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricts movement")
    OTHER = "other", _("Other")


class RecruitmentMethod(models.TextChoices):
    PLACE_OF_BUSINESS = "place_of_business", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "educational_institution", _("At a school or college")
    AT_WORK = "at_work", _("At work")
    ONLINE_SOCIAL_NETWORK = "online_social_network", _("Online social network")
    ONLINE_ADVERT = "online_advert", _("Online advert")
    BROADCAST_OR_PRINT_ADVERT = "broadcast_or_print_advert", _("Broadcast or print advert")
    FAMILY = "family", _("Through family")
    FRIENDS_OR_SOCIAL = "friends_or_social", _("Through friends or acquaintances")
    LABOUR_AGENT = "labour_agent", _("Labour agent (calo or sponsor)")
    OTHER = "other", _("Other")


class RecruiterRelationship(models.TextChoices):
    FAMILY = "family", _("Family")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    ACQUAINTANCE = "acquaintance", _("Acquaintance")
    STRANGER = "stranger", _("Stranger")
    UNKNOWN = "unknown", _("Unknown")


class ConsentKind(models.TextChoices):
    SERVICES = "services", _("Receiving services")
    SHARING = "sharing", _("Sharing with other organisations for referral")
    STATISTICS = "statistics", _("Anonymous statistics")
    LEARNING = "learning", _("An anonymised case study for the network's learning")


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
