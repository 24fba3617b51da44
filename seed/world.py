"""The reference data the generators draw on: provinces, wards with their real centres, groups, diagnoses."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

import asyncpg
from vietnam_provinces import Province

from db.reference import province_code, read_data_csv
from seed.errors import SeedError
from seed.rng import Weighted

KM_PER_DEGREE = 111.0
# A ward without a centre in ward_centroids.csv (none today) is put within this distance of the province centre.
FALLBACK_RADIUS_KM = 25.0
# Facilities sit within this share of a ward's equivalent radius (the disc of its area) around its centre, as the
# centre of an irregular ward may lie close to its edge; bounded so that a large mountain commune keeps its
# facilities near the commune centre and a small inner-city ward still spreads them.
WARD_SPREAD = 0.6
MIN_SPREAD_KM, MAX_SPREAD_KM, DEFAULT_AREA_KM2 = 0.3, 4.0, 20.0
# Mountainous provinces where some residents hold a K1/K2/K3 residence-area mark on their card.
REMOTE_PROVINCES = frozenset({"04", "08", "11", "12", "14", "15", "20", "52", "66", "68"})

SELECT_PROVINCES = "select code, name, short_name, latitude, longitude from provinces order by code"
SELECT_WARDS = "select code, province_code, name from wards order by code"
SELECT_GROUPS = "select code, benefit_level, coverage_percent from beneficiary_groups order by code"
SELECT_KNOWN_ICD10 = "select code from icd10_codes where code = any($1::text[])"


@dataclass(frozen=True, slots=True)
class ProvinceInfo:
    code: str
    name: str
    short_name: str
    latitude: float
    longitude: float
    population: int
    phone_area: str
    remote: bool


@dataclass(frozen=True, slots=True)
class WardInfo:
    code: str
    province_code: str
    name: str
    urban: bool  # phường rather than xã / đặc khu
    island: bool  # đặc khu
    latitude: float
    longitude: float
    area_km2: float

    @property
    def spread_km(self) -> float:
        """How far from the ward's centre its facilities may sit."""
        radius = math.sqrt(self.area_km2 / math.pi)
        return round(min(MAX_SPREAD_KM, max(MIN_SPREAD_KM, WARD_SPREAD * radius)), 3)


@dataclass(frozen=True, slots=True)
class GroupTerms:
    level: int
    percent: int


@dataclass(frozen=True, slots=True)
class World:
    as_of: date
    provinces: dict[str, ProvinceInfo]
    wards: dict[str, list[WardInfo]]  # by province code, ordered by ward code
    groups: dict[str, GroupTerms]
    # (code, valid_before, terms): the level a group had on cards that started before a regulation changed it.
    group_history: list[tuple[str, date, GroupTerms]]
    diagnoses: dict[tuple[str, str], Weighted[str]]  # by (age band: child, adult, elderly; gender)
    province_picker: Weighted[ProvinceInfo]
    ward_pickers: dict[str, Weighted[WardInfo]]

    def terms(self, group: str, valid_from: date) -> GroupTerms:
        for code, valid_before, terms in self.group_history:
            if code == group and valid_from < valid_before:
                return terms
        return self.groups[group]


def offset(latitude: float, longitude: float, rng: random.Random, radius_km: float) -> tuple[float, float]:
    """A point uniformly inside a disc of `radius_km` around (latitude, longitude)."""
    distance = radius_km * math.sqrt(rng.random()) / KM_PER_DEGREE
    angle = rng.random() * 2 * math.pi
    lat = latitude + distance * math.sin(angle)
    lon = longitude + distance * math.cos(angle) / math.cos(math.radians(latitude))
    return round(lat, 6), round(lon, 6)


def ward_centres() -> dict[str, tuple[float, float, float]]:
    """(latitude, longitude, area in km²) by ward code, from db/data/ward_centroids.csv."""
    return {
        row["ward_code"]: (float(row["latitude"]), float(row["longitude"]),
                           float(row["area_km2"]) if row["area_km2"] else DEFAULT_AREA_KM2)
        for row in read_data_csv("ward_centroids.csv")
    }


def _ward(row: asyncpg.Record, province: ProvinceInfo, centres: dict[str, tuple[float, float, float]]) -> WardInfo:
    centre = centres.get(row["code"])
    if centre is None:  # seeded by the ward code alone: the same place whatever the seed
        rng = random.Random(f"ward/{row['code']}")
        centre = (*offset(province.latitude, province.longitude, rng, FALLBACK_RADIUS_KM), DEFAULT_AREA_KM2)
    name: str = row["name"]
    return WardInfo(row["code"], row["province_code"], name, name.startswith("Phường"), name.startswith("Đặc khu"),
                    *centre)


def _diagnoses(known: set[str]) -> dict[tuple[str, str], Weighted[str]]:
    rows = read_data_csv("common_diagnoses.csv")
    missing = sorted(row["code"] for row in rows if row["code"] not in known)
    if missing:
        raise SeedError(f"diagnosis codes missing from icd10_codes (load reference data first): {missing}")
    pickers = {}
    for gender, excluded in (("MALE", "F"), ("FEMALE", "M")):
        allowed = [row for row in rows if row["sex"] != excluded]
        for band in ("child", "adult", "elderly"):
            pickers[(band, gender)] = Weighted([r["code"] for r in allowed], [float(r[band]) for r in allowed])
    return pickers


async def load_world(conn: asyncpg.Connection, as_of: date) -> World:
    population = {row["code"]: int(row["population_thousands"]) for row in read_data_csv("province_centres.csv")}
    phone_area = {province_code(p.code.value): str(p.phone_code) for p in Province.iter_all()}
    provinces = {
        r["code"]: ProvinceInfo(r["code"], r["name"], r["short_name"], r["latitude"], r["longitude"],
                                population.get(r["code"], 1000), phone_area.get(r["code"], "24"),
                                r["code"] in REMOTE_PROVINCES)
        for r in await conn.fetch(SELECT_PROVINCES)
    }
    if len(provinces) == 0:
        raise SeedError("the provinces table is empty: load the reference data before seeding")
    wards: dict[str, list[WardInfo]] = {code: [] for code in provinces}
    centres = ward_centres()
    for row in await conn.fetch(SELECT_WARDS):
        wards[row["province_code"]].append(_ward(row, provinces[row["province_code"]], centres))
    groups = {r["code"]: GroupTerms(r["benefit_level"], r["coverage_percent"]) for r in await conn.fetch(SELECT_GROUPS)}
    history = [
        (row["code"], date.fromisoformat(row["valid_before"]),
         GroupTerms(int(row["benefit_level"]), int(row["coverage_percent"])))
        for row in read_data_csv("beneficiary_group_changes.csv")
    ]
    wanted = [row["code"] for row in read_data_csv("common_diagnoses.csv")]
    known = {r["code"] for r in await conn.fetch(SELECT_KNOWN_ICD10, wanted)}
    ordered = list(provinces.values())
    # Urban wards are denser than rural communes.
    ward_pickers = {code: Weighted(ws, [3.0 if w.urban else 1.0 for w in ws]) for code, ws in wards.items() if ws}
    return World(as_of, provinces, wards, groups, history, _diagnoses(known),
                 Weighted(ordered, [p.population for p in ordered]), ward_pickers)
