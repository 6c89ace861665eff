"""Indonesia's 38 provinces with their Kemendagri codes, as data.

The coordinates are those of each provincial capital, rounded; they only serve to rank organisations by distance
("nearest province first") and are not shown to anyone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    lat: float
    lon: float


PROVINCES: tuple[Province, ...] = (
    Province("11", "Aceh", 5.55, 95.32),
    Province("12", "Sumatera Utara", 3.59, 98.67),
    Province("13", "Sumatera Barat", -0.95, 100.35),
    Province("14", "Riau", 0.51, 101.45),
    Province("15", "Jambi", -1.61, 103.61),
    Province("16", "Sumatera Selatan", -2.98, 104.76),
    Province("17", "Bengkulu", -3.80, 102.27),
    Province("18", "Lampung", -5.43, 105.26),
    Province("19", "Kepulauan Bangka Belitung", -2.13, 106.11),
    Province("21", "Kepulauan Riau", 0.92, 104.45),
    Province("31", "DKI Jakarta", -6.21, 106.85),
    Province("32", "Jawa Barat", -6.91, 107.61),
    Province("33", "Jawa Tengah", -6.97, 110.42),
    Province("34", "DI Yogyakarta", -7.80, 110.36),
    Province("35", "Jawa Timur", -7.25, 112.75),
    Province("36", "Banten", -6.12, 106.15),
    Province("51", "Bali", -8.65, 115.22),
    Province("52", "Nusa Tenggara Barat", -8.58, 116.12),
    Province("53", "Nusa Tenggara Timur", -10.18, 123.61),
    Province("61", "Kalimantan Barat", -0.03, 109.33),
    Province("62", "Kalimantan Tengah", -2.21, 113.92),
    Province("63", "Kalimantan Selatan", -3.44, 114.83),
    Province("64", "Kalimantan Timur", -0.50, 117.15),
    Province("65", "Kalimantan Utara", 2.84, 117.37),
    Province("71", "Sulawesi Utara", 1.47, 124.84),
    Province("72", "Sulawesi Tengah", -0.90, 119.87),
    Province("73", "Sulawesi Selatan", -5.15, 119.43),
    Province("74", "Sulawesi Tenggara", -3.97, 122.51),
    Province("75", "Gorontalo", 0.54, 123.06),
    Province("76", "Sulawesi Barat", -2.68, 118.89),
    Province("81", "Maluku", -3.70, 128.18),
    Province("82", "Maluku Utara", 0.74, 127.56),
    Province("91", "Papua", -2.53, 140.72),
    Province("92", "Papua Barat", -0.86, 134.06),
    Province("93", "Papua Selatan", -8.49, 140.40),
    Province("94", "Papua Tengah", -3.37, 135.50),
    Province("95", "Papua Pegunungan", -4.10, 138.95),
    Province("96", "Papua Barat Daya", -0.88, 131.25),
)

BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
CHOICES: list[tuple[str, str]] = [(p.code, p.name) for p in PROVINCES]


def distance_km(code_a: str, code_b: str) -> float:
    """Great-circle distance between two provinces' capitals."""
    a, b = BY_CODE[code_a], BY_CODE[code_b]
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))
