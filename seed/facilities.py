"""The public directory: hospitals, clinics, commune health stations, social insurance agencies, collection points."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from db.reference import read_data_csv
from seed.errors import SeedError
from seed.names import NameParts, hamlet_word, landline, lower_first, short_ward
from seed.rng import Weighted, apportion, at_time
from seed.world import ProvinceInfo, WardInfo, World, offset

# Shares of what is left once every province has its general hospital and agency (≈ the national mix:
# ~10,000 commune health stations and ~2,900 hospitals and clinics out of ~13,000).
SHARES = {"HEALTH_STATION": 0.70, "HOSPITAL": 0.10, "CLINIC": 0.12, "AGENCY": 0.02, "COLLECTION_POINT": 0.06}
SPECIALTY_HOSPITALS = ("Sản - Nhi", "Y học cổ truyền", "Phục hồi chức năng", "Mắt", "Lao và Bệnh phổi", "Tâm thần",
                       "Nội tiết", "Ung bướu", "Da liễu", "Nhi", "Phụ sản", "Răng Hàm Mặt")
BASIC_HOSPITALS = Weighted(
    ("Trung tâm Y tế khu vực {ward}", "Bệnh viện Đa khoa khu vực {ward}", "Bệnh viện Đa khoa {brand}",
     "Bệnh viện Quốc tế {brand}", "Bệnh viện Đa khoa tư nhân {brand}"),
    (45, 15, 25, 8, 7),
)
CLINICS = Weighted(
    ("Phòng khám Đa khoa {brand}", "Phòng khám Đa khoa khu vực {ward}", "Phòng khám Đa khoa {brand} {ward}",
     "Phòng khám Đa khoa Quốc tế {brand}"),
    (40, 30, 20, 10),
)
COLLECTION_POINTS = Weighted(("Điểm thu Bưu điện {ward_full}", "Đại lý thu BHXH, BHYT {ward_full}",
                              "Điểm thu Ủy ban nhân dân {ward_full}"), (55, 30, 15))
CODE_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Facility:
    id: int
    code: str
    kind: str
    level: str | None
    name: str
    province: str
    ward: str | None
    contracted: bool
    initial: bool


@dataclass(slots=True)
class _Builder:
    world: World
    parts: NameParts
    rng: random.Random
    brands: list[str]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    names: set[tuple[str, str]] = field(default_factory=set)  # (province, name): names repeat across provinces

    def code(self, province: str) -> str:
        n = self.counters.get(province, 0) + 1
        self.counters[province] = n
        if n < 1000:
            return f"{province}{n:03d}"
        k = n - 1000  # after 999 numeric codes, a letter then two base-36 characters
        return f"{province}{CODE_DIGITS[10 + k // 1296 % 26]}{CODE_DIGITS[k // 36 % 36]}{CODE_DIGITS[k % 36]}"

    def unique(self, name: str, ward: WardInfo) -> str:
        province = ward.province_code
        if (province, name) in self.names:
            name = f"{name} - {short_ward(ward)}"
        base, n = name, 1
        while (province, name) in self.names:
            n += 1
            name = f"{base} (cơ sở {n})"
        self.names.add((province, name))
        return name

    def add(self, kind: str, level: str | None, name: str, ward: WardInfo, flags: tuple[bool, bool, bool],
            *, street: str | None = None, radius_km: float | None = None, at: tuple[float, float] | None = None,
            phone: bool = True) -> Facility:
        province = self.world.provinces[ward.province_code]
        rng = self.rng
        facility_id = len(self.rows) + 1
        code = self.code(province.code)
        name = self.unique(name, ward)
        if street is None:
            street = f"{rng.randint(1, 299)} {rng.choice(self.parts.streets_of(province.code))}"
        # Inside the ward: within its spread of the ward's centre (or the real point of a named hospital).
        spread = ward.spread_km if radius_km is None else min(radius_km, ward.spread_km)
        lat, lon = at if at is not None else offset(ward.latitude, ward.longitude, rng, spread)
        updated = at_time(self.world.as_of, rng.randrange(7 * 60, 18 * 60)) - timedelta(days=rng.randrange(730))
        self.rows.append((facility_id, code, kind, level, name, f"{street}, {ward.name}, {province.name}",
                          landline(rng, province) if phone else None, province.code, ward.code, lat, lon,
                          *flags, updated))
        facility = Facility(facility_id, code, kind, level, name, province.code, ward.code, flags[0], flags[1])
        self.facilities.append(facility)
        return facility


def _flag(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _hospital_flags(rng: random.Random, level: str, general: bool = False) -> tuple[bool, bool, bool]:
    if level == "CENTRAL":
        return True, False, True
    if level == "PROVINCIAL":
        return True, general or _flag(rng, 0.4), True
    contracted = _flag(rng, 0.93)
    return contracted, contracted and _flag(rng, 0.9), contracted


def _named_hospitals(b: _Builder) -> None:
    for row in read_data_csv("named_hospitals.csv"):
        wards = b.world.wards[row["province_code"]]
        ward = next((w for w in wards if w.name == row["ward_name"]), None)
        if ward is None:
            raise SeedError(f"named_hospitals.csv: no ward {row['ward_name']!r} in province {row['province_code']}")
        b.add("HOSPITAL", row["level"], row["name"], ward, _hospital_flags(b.rng, row["level"]),
              street=row["street"], at=(float(row["latitude"]), float(row["longitude"])))


def _capital_ward(world: World, province: ProvinceInfo) -> WardInfo:
    """The urban ward nearest the province's centre (its capital), where the provincial bodies sit."""
    wards = world.wards[province.code]
    urban = [w for w in wards if w.urban] or wards
    scale = math.cos(math.radians(province.latitude))
    return min(urban, key=lambda w: ((w.latitude - province.latitude) ** 2
                                     + ((w.longitude - province.longitude) * scale) ** 2, w.code))


def _provincial(b: _Builder, province: ProvinceInfo) -> None:
    capital = _capital_ward(b.world, province)
    b.add("HOSPITAL", "PROVINCIAL", f"Bệnh viện Đa khoa {lower_first(province.name)}", capital,
          _hospital_flags(b.rng, "PROVINCIAL", general=True), radius_km=1.5)
    b.add("SOCIAL_INSURANCE_AGENCY", None, f"Bảo hiểm xã hội {lower_first(province.name)}", capital,
          (False, False, False), radius_km=1.5)


def _fill(b: _Builder, kind: str, count: int, ward: WardInfo) -> None:
    rng, province = b.rng, b.world.provinces[ward.province_code]
    names = {"ward": short_ward(ward), "ward_full": ward.name, "province": province.short_name}
    for _ in range(count):
        names["brand"] = rng.choice(b.brands)
        if kind == "HOSPITAL":
            specialty = rng.choice(SPECIALTY_HOSPITALS)
            name = f"Bệnh viện {specialty} {province.short_name}"
            if rng.random() < 0.25 and (province.code, name) not in b.names:
                b.add(kind, "PROVINCIAL", name, ward, _hospital_flags(rng, "PROVINCIAL"))
            else:
                b.add(kind, "BASIC", BASIC_HOSPITALS.pick(rng).format(**names), ward, _hospital_flags(rng, "BASIC"))
        elif kind == "CLINIC":
            contracted = _flag(rng, 0.75)
            b.add(kind, "BASIC", CLINICS.pick(rng).format(**names), ward,
                  (contracted, contracted and _flag(rng, 0.8), contracted and _flag(rng, 0.5)))
        elif kind == "AGENCY":
            b.add("SOCIAL_INSURANCE_AGENCY", None, f"Bảo hiểm xã hội cơ sở {names['ward']}", ward,
                  (False, False, False))
        else:
            b.add(kind, None, COLLECTION_POINTS.pick(rng).format(**names), ward, (False, False, False),
                  phone=_flag(rng, 0.5))


def _stations(b: _Builder, ward: WardInfo, count: int) -> None:
    for n in range(1, count + 1):
        name = f"Trạm Y tế {ward.name}" if n == 1 else f"Trạm Y tế {ward.name} - Điểm trạm số {n}"
        contracted = _flag(b.rng, 0.97)
        province = b.world.provinces[ward.province_code]
        b.add("HEALTH_STATION", "COMMUNE", name, ward, (contracted, contracted, _flag(b.rng, 0.05)),
              street=f"{hamlet_word(b.rng, ward, province)} {b.rng.randint(1, 12)}", phone=_flag(b.rng, 0.7))


def generate_facilities(
    world: World, parts: NameParts, rng: random.Random, total: int
) -> tuple[list[tuple[object, ...]], list[Facility]]:
    """Rows for `facilities` (ids from 1, exactly `total`) and the facilities the other generators refer to."""
    named = len(read_data_csv("named_hospitals.csv"))
    fixed = named + 2 * len(world.provinces)
    if total < fixed:
        raise SeedError(f"facilities must be at least {fixed}: every province needs a hospital and an agency")
    brands = [row["value"] for row in read_data_csv("name_parts.csv") if row["kind"] == "company_brand"]
    b = _Builder(world, parts, rng, brands)
    _named_hospitals(b)
    counts = dict(zip(SHARES, apportion(total - fixed, list(SHARES.values())), strict=True))
    provinces = list(world.provinces.values())
    all_wards = [w for p in provinces for w in world.wards[p.code]]
    by_population = {k: apportion(counts[k], [p.population for p in provinces]) for k in ("HOSPITAL", "CLINIC")}
    by_wards = {k: apportion(counts[k], [len(world.wards[p.code]) for p in provinces])
                for k in ("AGENCY", "COLLECTION_POINT")}
    stations = apportion(counts["HEALTH_STATION"], [1.0 + rng.random() for _ in all_wards])
    station_count = dict(zip((w.code for w in all_wards), stations, strict=True))
    for i, province in enumerate(provinces):
        _provincial(b, province)
        wards = world.wards[province.code]
        for kind, n in (*((k, v[i]) for k, v in by_population.items()), *((k, v[i]) for k, v in by_wards.items())):
            for ward in _spread(rng, wards, n):
                _fill(b, kind, 1, ward)
        for ward in wards:
            _stations(b, ward, station_count[ward.code])
    return b.rows, b.facilities


def _spread(rng: random.Random, wards: list[WardInfo], n: int) -> Iterator[WardInfo]:
    urban = [w for w in wards if w.urban] or wards
    for _ in range(n):
        yield rng.choice(urban) if rng.random() < 0.6 else rng.choice(wards)
