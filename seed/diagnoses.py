"""Which diagnosis a visit may carry: by the patient's age and sex, and by the facility's level and specialty.

`common_diagnoses.csv` gives each ICD-10 code its weights by age band, the patients it fits (sex, ages), the lowest
kind of facility that treats it, the kind of care it needs, a cost factor and the specialty hospitals that treat it.
The same rules are checked in SQL by `seed/checks/visits.py`, from the same file and the same name patterns.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field

from db.reference import read_data_csv
from seed.facilities import Facility
from seed.rng import Weighted

# Rank of the facility a diagnosis needs at least: a station treats minor and chronic conditions, a clinic has
# no beds, a hospital admits, an upper (provincial or central) hospital treats cancers.
RANKS = {"COMMUNE": 0, "CLINIC": 1, "HOSPITAL": 2, "UPPER": 3}
CHILD_UNTIL = 16  # age bands of the weights: child under 16, adult under 60, elderly from 60
ELDERLY_FROM = 60
MAX_AGE = 110
# Specialty hospitals, recognised by the words after "Bệnh viện " in their name (the whole rest, or followed by a
# space): the specialty whose diagnoses they treat, and the patients they take (C: children under 16 for any
# condition of childhood, E: people of 60 and over for any condition).
SPECIALTY_NAMES: tuple[tuple[str, str], ...] = (
    ("Sản - Nhi", "OBSTETRICS C"), ("Phụ sản", "OBSTETRICS"), ("Từ Dũ", "OBSTETRICS"), ("Nhi", "C"),
    ("Ung bướu", "ONCOLOGY"), ("K", "ONCOLOGY"), ("Mắt", "EYE"), ("Răng Hàm Mặt", "DENTAL"),
    ("Tai Mũi Họng", "ENT"), ("Lao và Bệnh phổi", "LUNG"), ("Phổi", "LUNG"), ("Nội tiết", "ENDOCRINE"),
    ("Tâm thần", "PSYCHIATRY"), ("Da liễu", "DERMATOLOGY"), ("Phong - Da liễu", "DERMATOLOGY"),
    ("Y học cổ truyền", "REHAB"), ("Phục hồi chức năng", "REHAB"), ("Bệnh Nhiệt đới", "INFECTIOUS"),
    ("Lão khoa", "E"),
)
GENERAL = ""  # a general facility: every diagnosis its rank allows


def specialty_of(name: str) -> str:
    """The specialty of a hospital from its name, GENERAL for general hospitals, clinics and stations."""
    for words, specialty in SPECIALTY_NAMES:
        full = f"Bệnh viện {words}"
        if name == full or name.startswith(f"{full} "):
            return specialty
    return GENERAL


def facility_rank(facility: Facility) -> int:
    if facility.kind == "HEALTH_STATION":
        return RANKS["COMMUNE"]
    if facility.kind == "CLINIC":
        return RANKS["CLINIC"]
    return RANKS["UPPER"] if facility.level in ("PROVINCIAL", "CENTRAL") else RANKS["HOSPITAL"]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str
    sex: str  # M, F or empty for both
    weights: tuple[float, float, float]  # child, adult, elderly
    min_age: int
    max_age: int
    rank: int  # the lowest facility rank that treats it
    care: str  # out (outpatient only), in (admitted), day (day treatment), acute (emergency or admitted), or any
    cost: float  # factor on the facility's median cost
    log_cost: float  # its logarithm, for the log-normal draws of the hot loop
    specialties: frozenset[str]
    since: int  # the first year the code is used (U07.1: 2020)

    def fits(self, gender: str, age: int) -> bool:
        return (not self.sex or self.sex == gender[0]) and self.min_age <= age <= self.max_age


def _diagnosis(row: dict[str, str]) -> Diagnosis:
    return Diagnosis(row["code"], row["sex"], (float(row["child"]), float(row["adult"]), float(row["elderly"])),
                     int(row["min_age"] or 0), int(row["max_age"] or MAX_AGE), RANKS[row["min_level"]],
                     row["care"] or "any", float(row["cost"] or 1), math.log(float(row["cost"] or 1)),
                     frozenset(row["specialty"].split()),
                     int(row["since"] or 0))


def load_diagnoses() -> list[Diagnosis]:
    return [_diagnosis(row) for row in read_data_csv("common_diagnoses.csv")]


@dataclass(slots=True)
class Catalogue:
    """Weighted pickers of diagnoses, built on first use for each (facility rank, specialty, gender, age)."""

    diagnoses: list[Diagnosis]
    by_code: dict[str, Diagnosis] = field(init=False)
    # Ages at which the choice changes: a picker serves every age from one of these up to the next.
    _bounds: list[int] = field(init=False)
    _pickers: dict[tuple[int, str, str, int], Weighted[Diagnosis] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {d.code: d for d in self.diagnoses}
        bounds = {0, CHILD_UNTIL, ELDERLY_FROM} | {d.min_age for d in self.diagnoses}
        self._bounds = sorted(bounds | {d.max_age + 1 for d in self.diagnoses if d.max_age < MAX_AGE})

    def picker(self, rank: int, specialty: str, gender: str, age: int) -> Weighted[Diagnosis] | None:
        """None when the facility treats no condition of this patient (a man at a maternity hospital)."""
        age = self._bounds[bisect.bisect_right(self._bounds, max(0, age)) - 1]
        key = (rank, specialty, gender, age)
        if key not in self._pickers:
            self._pickers[key] = self._build(rank, specialty, gender, age)
        return self._pickers[key]

    def _build(self, rank: int, specialty: str, gender: str, age: int) -> Weighted[Diagnosis] | None:
        band = 0 if age < CHILD_UNTIL else 1 if age < ELDERLY_FROM else 2
        kinds = set(specialty.split())
        # Children's hospitals take children for any condition, geriatric ones the elderly; others their specialty.
        any_condition = not kinds or ("C" in kinds and age < CHILD_UNTIL) or ("E" in kinds and age >= ELDERLY_FROM)
        chosen = [d for d in self.diagnoses
                  if d.weights[band] > 0 and d.rank <= rank and d.fits(gender, age)
                  and (any_condition or bool(d.specialties & kinds))]
        return Weighted(chosen, [d.weights[band] for d in chosen]) if chosen else None


@dataclass(frozen=True, slots=True)
class CareIndex:
    """What the visit generator needs to know of each facility, by facility id (ids start at 1)."""

    rank: list[int]
    specialty: list[str]
    general_hospital: dict[str, Facility]  # by province: its first general provincial or central hospital

    def maternity_hospital(self, rng: random.Random, care: Weighted[Facility], province: str) -> Facility:
        """A hospital of the province with a delivery ward: a general one or a maternity (Sản, Phụ sản) one."""
        for _ in range(8):
            facility = care.pick(rng)
            if facility.kind == "HOSPITAL" and (not self.specialty[facility.id]
                                                or "OBSTETRICS" in self.specialty[facility.id]):
                return facility
        return self.general_hospital[province]


def build_care_index(facilities: list[Facility]) -> CareIndex:
    rank, specialty = [0], [GENERAL]
    general: dict[str, Facility] = {}
    for f in facilities:
        rank.append(facility_rank(f))
        specialty.append(specialty_of(f.name) if f.kind == "HOSPITAL" else GENERAL)
        if rank[-1] == RANKS["UPPER"] and specialty[-1] == GENERAL and f.contracted:
            general.setdefault(f.province, f)
    return CareIndex(rank, specialty, general)
