"""Who a synthetic person is (name, birth, home, identifiers) and the outline of their life (the plan)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from seed.careers import HISTORY_START, CareerPlan
from seed.facilities import Facility
from seed.rng import Permutation, Weighted, add_years, month_index
from seed.world import ProvinceInfo, WardInfo

# Five-year age bands 0-4 … 85-89 (share of the population, in tenths of a percent), after Vietnam's pyramid.
AGE_BANDS = (70, 78, 80, 72, 70, 75, 80, 80, 75, 70, 62, 56, 46, 36, 25, 16, 10, 8)
ARMED_GROUPS = Weighted(("QN", "CA", "CY"), (60, 35, 5))
HOUSEHOLD_GROUPS = Weighted(("GD", "HN", "CN", "LH"), (80, 7, 10, 3))
ELDERLY_GROUPS = Weighted(("GD", "HN", "CN", "CC", "CB"), (60, 10, 14, 6, 10))
CARD_STATES = {
    "pupil": Weighted(("CURRENT", "EXPIRED", "NONE"), (95, 3, 2)),
    "household": Weighted(("CURRENT", "EXPIRED", "NONE"), (80, 9, 11)),
    # An employer's BHYT declaration always comes with a card (the employee's card cannot lapse while declared).
    "employee": Weighted(("CURRENT",), (1,)),
    "elderly": Weighted(("CURRENT", "EXPIRED", "NONE"), (93, 3, 4)),
}


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    code: str  # mã số BHXH
    full_name: str
    gender: str
    birth: date
    province: ProvinceInfo
    ward: WardInfo
    agency: Facility  # cơ quan BHXH quản lý
    primary: Facility  # nơi đăng ký KCB ban đầu


@dataclass(frozen=True, slots=True)
class LifePlan:
    base_group: str | None  # the card group when not a child, pupil, employee, unemployed or retired
    student_until: int  # age (years) up to which the person studies at university (SV); 0 if never
    career: CareerPlan | None
    voluntary: tuple[int, int] | None  # months of voluntary BHXH (tự nguyện)
    card_state: str  # CURRENT, EXPIRED or NONE
    previous_cards: int
    lump_sum: bool  # took BHXH một lần after the career ended
    visits: int | None = None  # a fixed number of medical visits (demo people); None draws one
    showcase: bool = False  # demo people: make sure the history shows the common benefits


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Bijections from the person's index to unique codes; suffixes starting with 9 are reserved for demo people."""

    code: Permutation
    national_id: Permutation
    phone: Permutation

    @classmethod
    def create(cls, rng: random.Random) -> Identifiers:
        return cls(Permutation(9 * 10**7, rng), Permutation(9 * 10**7, rng), Permutation(9 * 10**6, rng))

    def social_insurance_code(self, index: int, province: str) -> str:
        return f"{province}{self.code(index):08d}"

    def citizen_id(self, index: int, province: str, gender: str, birth: date) -> str:
        # CCCD: 3-digit province of birth, a digit for century and gender, then a serial number.
        century_gender = (0 if birth.year < 2000 else 2) + (1 if gender == "FEMALE" else 0)
        return f"0{province}{century_gender}{self.national_id(index):08d}"


def draw_birth(rng: random.Random, today: date) -> date:
    band = AGE_WEIGHTS.pick(rng)
    age_days = int((band * 5 + rng.random() * 5) * 365.25)
    return today - timedelta(days=max(1, age_days))


AGE_WEIGHTS = Weighted(range(len(AGE_BANDS)), AGE_BANDS)


def retirement_month(birth: date, gender: str) -> int:
    """Retirement age rises from 2021: men 60 by 3 months a year to 62, women 55 by 4 months a year to 60."""
    base, step, cap = (60, 3, 24) if gender == "MALE" else (55, 4, 60)
    extra = min(cap, step * max(0, birth.year + base - 2020))
    return month_index(birth) + base * 12 + extra


def _career(rng: random.Random, birth: date, first_age: float, end: int, *, current: bool,
            retired: bool) -> CareerPlan | None:
    start = max(HISTORY_START, month_index(birth) + int(first_age * 12))
    if start > end - 3:
        return None
    level = rng.lognormvariate(math.log(6_000_000), 0.35)
    return CareerPlan(start, end, current, retired, level)


def draw_plan(rng: random.Random, birth: date, gender: str, today: date) -> LifePlan:
    now = month_index(today)
    age = (now - month_index(birth)) // 12
    if age < 6:
        return LifePlan(None, 0, None, None, "CURRENT", 0, False)
    if age < 18:
        return LifePlan(None, 0, None, None, CARD_STATES["pupil"].pick(rng), rng.randint(0, 3), False)
    if retirement_month(birth, gender) <= now:
        return _elderly_plan(rng, birth, gender, now)
    return _working_age_plan(rng, birth, gender, age, now)


def _elderly_plan(rng: random.Random, birth: date, gender: str, now: int) -> LifePlan:
    retired = retirement_month(birth, gender)
    if rng.random() < 0.38:
        # Works through the month the retirement age is reached; the pension starts the month after.
        career = _career(rng, birth, rng.uniform(19, 25), retired, current=False, retired=True)
        if career is not None:
            return LifePlan("GD", 0, career, None, "CURRENT", rng.randint(0, 3), False)
    group = ELDERLY_GROUPS.pick(rng)
    if group == "CB" and (gender == "FEMALE" or now - month_index(birth) < 65 * 12):
        group = "GD"  # veterans (cựu chiến binh) in the data are men over 65
    return LifePlan(group, 0, None, None, CARD_STATES["elderly"].pick(rng), rng.randint(0, 3), False)


def _working_age_plan(rng: random.Random, birth: date, gender: str, age: int, now: int) -> LifePlan:
    student_until = 22 if rng.random() < 0.35 else 0
    previous = rng.randint(0, 3)
    if rng.random() < (0.025 if gender == "MALE" else 0.004):
        return LifePlan(ARMED_GROUPS.pick(rng), 0, None, None, "CURRENT", previous, False)
    first_age = max(student_until, min(35.0, rng.gauss(21.5, 2.5)))
    has_career = rng.random() < (0.3 if age < 23 else 0.58 if age < 50 else 0.45)
    career = None
    if has_career and age >= max(18, student_until):
        if rng.random() < 0.83:
            career = _career(rng, birth, first_age, now, current=True, retired=False)
        elif (first_month := month_index(birth) + int(first_age * 12)) < now - 15:
            end = rng.randint(first_month + 12, now - 3)
            career = _career(rng, birth, first_age, end, current=False, retired=False)
    voluntary = None
    if career is None or not career.current:
        after = career.end + 1 if career else now - rng.randint(6, 120)
        if rng.random() < (0.2 if career else 0.05) and after <= now:
            voluntary = (after, now if rng.random() < 0.85 else rng.randint(after, now))
    lump = career is not None and not career.current and voluntary is None and now - career.end > 13
    state = CARD_STATES["employee" if career and career.current else "household"].pick(rng)
    return LifePlan(HOUSEHOLD_GROUPS.pick(rng), student_until, career, voluntary, state, previous,
                    lump and rng.random() < 0.3)


def national_id_wanted(rng: random.Random, birth: date, today: date) -> bool:
    # A CCCD from age 14; since 2024 younger children may have an identification number too.
    return add_years(birth, 14) <= today or rng.random() < 0.35
