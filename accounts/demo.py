"""The demo network's organisations and people. Every name is invented; nothing here describes a real person."""

from __future__ import annotations

from accounts.choices import OrganisationKind as K
from accounts.choices import Role
from accounts.choices import ServiceType as S

DEMO_PASSWORD = "demo-jejaring-2026"
DEMO_EMAIL_DOMAIN = "demo.jejaring.invalid"

ORGANISATIONS = [
    # code, name, kind, province, services
    (
        "YKT",
        "Yayasan Cahaya Pulang (demo)",
        K.NGO,
        "34",
        [S.OUTREACH, S.PSYCHOSOCIAL, S.REINTEGRATION, S.ECONOMIC_EMPOWERMENT],
    ),
    (
        "KPG",
        "Rumah Aman Flobamora (demo)",
        K.SHELTER,
        "53",
        [S.SHELTER, S.EMERGENCY, S.PSYCHOSOCIAL, S.REPATRIATION],
    ),
    ("MTR", "LBH Lombok Adil (demo)", K.LEGAL_AID, "52", [S.LEGAL_AID, S.RESTITUTION, S.WITNESS_PROTECTION]),
    (
        "PTK",
        "UPTD PPA Khatulistiwa (demo)",
        K.UPTD_PPA,
        "61",
        [S.OUTREACH, S.EMERGENCY, S.SHELTER, S.SOCIAL_REHABILITATION, S.CIVIL_DOCUMENTS],
    ),
    ("SBY", "Klinik Sehat Tanjung Perak (demo)", K.HEALTH_SERVICE, "35", [S.MEDICAL, S.PSYCHOSOCIAL]),
    (
        "JKT",
        "Posko Pekerja Migran Jakarta (demo)",
        K.MIGRANT_WORKER_AGENCY,
        "31",
        [S.REPATRIATION, S.CIVIL_DOCUMENTS, S.LEGAL_AID, S.SHELTER],
    ),
    ("SEK", "Sekretariat Jaringan Jejaring (demo)", K.TASK_FORCE, "31", []),
]

PEOPLE = [
    # username, first name, organisation code, role, language (pendamping.ykt also supervises: may refer without
    # consent, with a reason; see accounts.models.Membership.may_override_consent)
    ("pendamping.ykt", "Sari", "YKT", Role.CASEWORKER, "id"),
    ("pendamping2.ykt", "Bayu", "YKT", Role.CASEWORKER, "id"),
    ("pendamping.kpg", "Maria", "KPG", Role.CASEWORKER, "id"),
    ("pendamping.mtr", "Lalu", "MTR", Role.CASEWORKER, "id"),
    ("pendamping.ptk", "Dayang", "PTK", Role.CASEWORKER, "id"),
    ("pendamping.sby", "Wulan", "SBY", Role.CASEWORKER, "id"),
    ("pendamping.jkt", "Rizky", "JKT", Role.CASEWORKER, "en"),
    ("koordinator.satu", "Intan", "SEK", Role.COORDINATOR, "id"),
    ("koordinator.dua", "Yohanes", "SEK", Role.COORDINATOR, "id"),
    ("admin.jaringan", "Putu", "SEK", Role.ADMIN, "id"),
]
