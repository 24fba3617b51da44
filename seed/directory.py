"""Indexes over the generated facilities: who manages a ward, where people register and where they seek care."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from seed.errors import SeedError
from seed.facilities import Facility
from seed.rng import Weighted
from seed.world import World

# How strongly a facility attracts visits from its province, by kind and level (central hospitals draw the most).
CARE_WEIGHT = {("HOSPITAL", "CENTRAL"): 30.0, ("HOSPITAL", "PROVINCIAL"): 12.0, ("HOSPITAL", "BASIC"): 6.0,
               ("CLINIC", "BASIC"): 3.0}
REGISTRATION_WEIGHT = {("HOSPITAL", "PROVINCIAL"): 3.0, ("HOSPITAL", "BASIC"): 5.0, ("CLINIC", "BASIC"): 2.0}


@dataclass(frozen=True, slots=True)
class Directory:
    facilities: list[Facility]
    provincial_agency: dict[str, Facility]  # Bảo hiểm xã hội tỉnh / thành phố
    agency_of_ward: dict[str, Facility]  # the nearest agency manages the people and employers of a ward
    stations_of_ward: dict[str, list[Facility]]  # contracted health stations that accept initial registration
    registration: dict[str, Weighted[Facility]]  # by province: hospitals and clinics that accept registration
    care: dict[str, Weighted[Facility]]  # by province: contracted hospitals and clinics
    referral: Weighted[Facility]  # central hospitals, where patients travel from other provinces

    def by_id(self, facility_id: int) -> Facility:
        return self.facilities[facility_id - 1]


def _nearest_agency(world: World, agencies: list[Facility], ward_code: str, province: str) -> Facility:
    positions = {w.code: (w.latitude, w.longitude) for w in world.wards[province]}
    lat, lon = positions[ward_code]

    def distance(agency: Facility) -> float:
        a_lat, a_lon = positions.get(agency.ward or "", (lat, lon))
        return (a_lat - lat) ** 2 + (a_lon - lon) ** 2

    return min(agencies, key=lambda a: (distance(a), a.id))


def build_directory(world: World, facilities: list[Facility]) -> Directory:
    by_kind: dict[tuple[str, str], list[Facility]] = defaultdict(list)
    stations: dict[str, list[Facility]] = defaultdict(list)
    for f in facilities:
        by_kind[(f.kind, f.province)].append(f)
        if f.kind == "HEALTH_STATION" and f.initial and f.ward:
            stations[f.ward].append(f)
    provincial, agency_of_ward, registration, care = {}, {}, {}, {}
    for code in world.provinces:
        agencies = by_kind[("SOCIAL_INSURANCE_AGENCY", code)]
        medical = [f for f in by_kind[("HOSPITAL", code)] + by_kind[("CLINIC", code)] if f.contracted]
        registering = [f for f in medical if f.initial]
        if not agencies or not registering:
            raise SeedError(f"province {code} has no agency or no facility accepting initial registration")
        provincial[code] = agencies[0]  # generated before the province's local agencies
        for ward in world.wards[code]:
            agency_of_ward[ward.code] = _nearest_agency(world, agencies, ward.code, code)
        registration[code] = Weighted(registering, [REGISTRATION_WEIGHT.get((f.kind, f.level or ""), 1.0)
                                                    for f in registering])
        care[code] = Weighted(medical, [CARE_WEIGHT.get((f.kind, f.level or ""), 1.0) for f in medical])
    central = [f for f in facilities if f.level == "CENTRAL"] or [f for f in facilities if f.kind == "HOSPITAL"]
    return Directory(facilities, provincial, agency_of_ward, dict(stations), registration, care,
                     Weighted(central, [1.0] * len(central)))


def primary_facility(directory: Directory, rng: random.Random, province: str, ward: str) -> Facility:
    """Nơi đăng ký KCB ban đầu: mostly the ward's health station, otherwise a hospital or clinic in the province."""
    stations = directory.stations_of_ward.get(ward)
    if stations and rng.random() < 0.6:
        return rng.choice(stations)
    return directory.registration[province].pick(rng)
