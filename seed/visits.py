"""Medical visits (lịch sử khám chữa bệnh BHYT) since 2017, near home, while a card is valid, paid by that card.

The hot loop of the whole seed: times are minutes since day 1 of the calendar and rows are COPY text lines.
A visit's diagnosis fits the patient (age, sex) and the facility (level, specialty, seed/diagnoses.py); its cost
fits both; what BHYT pays follows the card valid that day and the law's 100 % cases (seed/coverage.py). Maternity
and sickness benefits bring their visits: prenatal visits and the delivery, the visit that issued the sick leave.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from seed.benefits import BenefitDraft
from seed.coverage import CardTerms, card_on, covered_percent, five_years
from seed.diagnoses import Diagnosis
from seed.facilities import Facility
from seed.people import Person
from seed.rng import Weighted, age_on, skewed_count, stamp
from seed.writer import NULL

if TYPE_CHECKING:
    from seed.life import Context  # life.py calls this module

RECORDS_FROM = date(2017, 1, 1)
# Visits per insured person-year by age (upper bound of the band, rate): children and the elderly go most.
RATE_BY_AGE = ((6, 3.4), (18, 1.35), (40, 1.2), (60, 2.15), (200, 4.5))
SKEW = 0.7  # gamma shape: most people visit rarely, a few (the chronically ill) very often
VISIT_TYPES = {
    "HEALTH_STATION": Weighted(("OUTPATIENT",), (1,)),
    "CLINIC": Weighted(("OUTPATIENT", "DAY_TREATMENT"), (96, 4)),
    "CENTRAL": Weighted(("OUTPATIENT", "INPATIENT", "EMERGENCY", "DAY_TREATMENT"), (58, 28, 6, 8)),
    "HOSPITAL": Weighted(("OUTPATIENT", "INPATIENT", "EMERGENCY", "DAY_TREATMENT"), (76, 13, 7, 4)),
}
# Visit types by the care a diagnosis needs (diagnoses that need a bed are never drawn at stations or clinics).
CARE_TYPES = {"in": Weighted(("INPATIENT",), (1,)), "acute": Weighted(("EMERGENCY", "INPATIENT"), (1, 1)),
              "day": Weighted(("DAY_TREATMENT", "INPATIENT"), (7, 3))}
MINOR_TYPES = Weighted(("OUTPATIENT", "INPATIENT", "EMERGENCY", "DAY_TREATMENT"), (90, 3, 4, 3))
# Median cost (VND) of an outpatient visit and of an inpatient day, by the facility's level.
OUTPATIENT_COST = {"COMMUNE": 45_000, "BASIC": 260_000, "PROVINCIAL": 420_000, "CENTRAL": 850_000}
INPATIENT_DAY_COST = {"BASIC": 700_000, "PROVINCIAL": 1_200_000, "CENTRAL": 2_500_000}
LOG_OUTPATIENT = {level: math.log(cost) for level, cost in OUTPATIENT_COST.items()}
LOG_INPATIENT_DAY = {level: math.log(cost) for level, cost in INPATIENT_DAY_COST.items()}
# Before a delivery (the first day of the maternity leave): prenatal visits, days before the birth.
PRENATAL_DAYS_BEFORE = (200, 140, 90, 45, 14)
DELIVERIES = Weighted(("O80", "O82"), (62, 38))  # spontaneous or caesarean
DELIVERY_DAYS = {"O80": (2, 4), "O82": (4, 7)}
BIRTHS_APART_DAYS = 450
SICK_LEAVE_DIAGNOSES = ("J06.9", "J11.1", "J18.9", "J20.9", "A09", "A97.0", "B34.9", "M54.5", "M54.4", "K29.7",
                        "S93.4", "S52.5", "N39.0", "R50.9", "K35.8", "H10.9")


@dataclass(slots=True)  # not frozen: built once per visit in the hot loop, where frozen costs a microsecond
class Planned:
    day: int  # ordinal of the day of admission
    facility: Facility
    diagnosis: Diagnosis
    visit_type: str | None = None  # None: drawn from the care the diagnosis needs and the facility
    stay_days: int | None = None


def windows(cards: list[CardTerms], person: Person, last: date) -> list[tuple[int, int]]:
    """Days (ordinals, inclusive) on which a visit can be on record: a card is valid, since 2017, up to `last`."""
    first = max(RECORDS_FROM, person.birth).toordinal()
    out: list[tuple[int, int]] = []
    for card in cards:
        start, end = max(first, card.valid_from), min(last.toordinal(), card.valid_to)
        if out and start <= out[-1][1] + 1:
            start = out[-1][1] + 1
        if start <= end:
            out.append((start, end))
    return out


def needs_visit(draft: BenefitDraft) -> bool:
    return draft.kind in ("MATERNITY", "SICKNESS") and draft.period_from >= RECORDS_FROM


def keeps_benefit(draft: BenefitDraft, cards: list[CardTerms], today: date) -> bool:
    """A maternity or sickness benefit since 2017 is kept only if a card paid for the visit that started it."""
    day = draft.period_from
    return not needs_visit(draft) or (day < today and card_on(cards, day.toordinal()) is not None)


def visit_count(rng: random.Random, person: Person, days: int, last: date) -> int:
    age = age_on(person.birth, last)
    rate = next(r for bound, r in RATE_BY_AGE if age < bound)
    return skewed_count(rng, rate * days / 365.25, SKEW)


def _facility(rng: random.Random, ctx: Context, person: Person) -> Facility:
    directory = ctx.directory
    r = rng.random()
    if r < 0.45:
        return person.primary
    if r < 0.60:
        stations = directory.stations_of_ward.get(person.ward.code)
        return stations[int(rng.random() * len(stations))] if stations else person.primary
    if r < 0.94:
        return directory.care[person.province.code].pick(rng)
    if r < 0.975:
        return directory.referral.pick(rng)
    return directory.care[rng.choice(list(directory.care))].pick(rng)


def _diagnosed(rng: random.Random, ctx: Context, person: Person, day: int, facility: Facility, *,
               birthday: tuple[int, int]) -> Planned:
    """A diagnosis this facility treats for this patient, else the patient goes to the province's general hospital."""
    care, catalogue = ctx.care, ctx.catalogue
    patient_day = date.fromordinal(day)
    age = patient_day.year - person.birth.year - ((patient_day.month, patient_day.day) < birthday)
    picker = catalogue.picker(care.rank[facility.id], care.specialty[facility.id], person.gender, age)
    if picker is None:
        facility = care.general_hospital[person.province.code]
        picker = catalogue.picker(care.rank[facility.id], "", person.gender, age)
        assert picker is not None  # a general provincial hospital treats everyone
    diagnosis = picker.pick(rng)
    while diagnosis.since > patient_day.year:  # no COVID-19 before 2020
        diagnosis = picker.pick(rng)
    return Planned(day, facility, diagnosis)


def _certifying_hospital(rng: random.Random, ctx: Context, person: Person) -> Facility:
    """A contracted general hospital (they all issue sick-leave certificates): the registered one if it is one."""
    care = ctx.care
    if person.primary.kind == "HOSPITAL" and not care.specialty[person.primary.id]:
        return person.primary
    picker = ctx.directory.care[person.province.code]
    for _ in range(8):
        facility = picker.pick(rng)
        if facility.kind == "HOSPITAL" and not care.specialty[facility.id]:
            return facility
    return care.general_hospital[person.province.code]


def _benefit_visits(rng: random.Random, ctx: Context, person: Person, drafts: list[BenefitDraft],
                    open_days: list[tuple[int, int]]) -> list[Planned]:
    by_code, out = ctx.catalogue.by_code, []
    for draft in drafts:
        if not needs_visit(draft):
            continue
        day = draft.period_from.toordinal()
        if draft.kind == "SICKNESS":
            age, year = age_on(person.birth, draft.period_from), draft.period_from.year
            fitting = [by_code[c] for c in SICK_LEAVE_DIAGNOSES
                       if by_code[c].fits(person.gender, age) and by_code[c].since <= year]
            out.append(Planned(day, _certifying_hospital(rng, ctx, person), rng.choice(fitting)))
            continue
        hospital = ctx.care.maternity_hospital(rng, ctx.directory.care[person.province.code], person.province.code)
        code = DELIVERIES.pick(rng)
        out.append(Planned(day, hospital, by_code[code], "INPATIENT", rng.randint(*DELIVERY_DAYS[code])))
        for before in PRENATAL_DAYS_BEFORE:
            prenatal = day - before + rng.randint(-5, 5)
            if any(start <= prenatal <= end for start, end in open_days):
                general = not ctx.care.specialty[person.primary.id]
                place = person.primary if general and (before > 100 or rng.random() < 0.5) else hospital
                out.append(Planned(prenatal, place, by_code["Z34.9"], "OUTPATIENT"))
    return out


def _visit_type(rng: random.Random, plan: Planned) -> str:
    if plan.visit_type is not None:
        return plan.visit_type
    facility, care = plan.facility, plan.diagnosis.care
    if facility.kind == "HEALTH_STATION" or care == "out":
        return "OUTPATIENT"
    if care in CARE_TYPES and facility.kind == "HOSPITAL":
        return CARE_TYPES[care].pick(rng)
    if plan.diagnosis.rank == 0 and facility.kind == "HOSPITAL":  # what a station treats rarely needs a bed
        return MINOR_TYPES.pick(rng)
    return VISIT_TYPES["CENTRAL" if facility.level == "CENTRAL" else facility.kind].pick(rng)


def _stay(rng: random.Random, plan: Planned, visit_type: str, admitted: int) -> tuple[int, int]:
    """Discharge (minutes) and total cost (VND) of a visit, by the facility's level and the diagnosis."""
    level, factor, day = plan.facility.level or "BASIC", plan.diagnosis.cost, plan.day
    if visit_type == "INPATIENT":
        days = plan.stay_days or 1 + min(45, int(rng.expovariate(0.2)))
        # A costly condition costs more per day, less than in proportion: the stay is longer too.
        per_day = math.exp(rng.gauss(LOG_INPATIENT_DAY.get(level, LOG_INPATIENT_DAY["BASIC"]), 0.4)) * factor**0.5
        return (day + days) * 1440 + 480 + int(rng.random() * 480), int(days * per_day)
    log_median = LOG_OUTPATIENT.get(level, LOG_OUTPATIENT["BASIC"]) + plan.diagnosis.log_cost
    if visit_type == "OUTPATIENT":
        return admitted + 20 + int(rng.random() * 220), int(math.exp(rng.gauss(log_median, 0.6)))
    if visit_type == "DAY_TREATMENT":
        return admitted + 240 + int(rng.random() * 300), int(math.exp(rng.gauss(log_median + 1.1, 0.5)))
    return admitted + 120 + int(rng.random() * 1680), int(math.exp(rng.gauss(log_median + 1.6, 0.7)))


def visit_lines(rng: random.Random, ctx: Context, person: Person, cards: list[CardTerms], drafts: list[BenefitDraft],
                *, count: int | None, next_id: int) -> list[str]:
    today = ctx.world.as_of
    open_days = windows(cards, person, today - timedelta(days=1))
    if not open_days:
        return []
    ends = [end for _, end in open_days]
    cumulative = list(itertools.accumulate(end - start + 1 for start, end in open_days))
    total_days = cumulative[-1]
    n = visit_count(rng, person, total_days, date.fromordinal(ends[-1])) if count is None else count
    plans = _benefit_visits(rng, ctx, person, drafts, open_days)
    birthday = (person.birth.month, person.birth.day)
    deliveries = [p.day for p in plans if p.diagnosis.code in DELIVERY_DAYS]
    for _ in range(n):
        k = int(rng.random() * total_days)
        w = bisect.bisect_right(cumulative, k)
        day = open_days[w][0] + k - (cumulative[w - 1] if w else 0)
        plan = _diagnosed(rng, ctx, person, day, _facility(rng, ctx, person), birthday=birthday)
        # Births are at least 15 months apart: a delivery drawn too close to another is drawn again.
        while plan.diagnosis.code.startswith("O8") and any(abs(day - d) < BIRTHS_APART_DAYS for d in deliveries):
            plan = _diagnosed(rng, ctx, person, day, plan.facility, birthday=birthday)
        if plan.diagnosis.code.startswith("O8"):
            deliveries.append(day)
        plans.append(plan)
    return _lines(rng, ctx, person, cards, plans, next_id=next_id)


def _lines(rng: random.Random, ctx: Context, person: Person, cards: list[CardTerms], plans: list[Planned], *,
           next_id: int) -> list[str]:
    now = ctx.world.as_of.toordinal() * 1440  # discharges after midnight of the data set's day have not happened
    base_salary, pid = ctx.base_salary, person.id
    timed = []
    for plan in plans:
        visit_type = _visit_type(rng, plan)
        minute = int(rng.random() * 1440) if visit_type == "EMERGENCY" else 420 + int(rng.random() * 570)
        timed.append((plan.day * 1440 + minute, visit_type, plan))
    timed.sort(key=lambda t: t[0])
    copaid: dict[int, int] = {}  # co-payments of the calendar year under the five-year rule
    base_from = [day.toordinal() for day in base_salary.starts]
    lines = []
    for k, (admitted, visit_type, plan) in enumerate(timed):
        discharged, cost = _stay(rng, plan, visit_type, admitted)
        total = max(10_000, cost // 100 * 100)
        card = card_on(cards, plan.day)
        assert card is not None  # visits are drawn inside the cards' validity
        base = base_salary.amounts[max(0, bisect.bisect_right(base_from, plan.day) - 1)]
        year = date.fromordinal(plan.day).year if card.five_years_from is not None else 0
        percent = covered_percent(card, plan.day, total, station=plan.facility.level == "COMMUNE", base=base,
                                  copaid_this_year=copaid.get(year, 0))
        insurance = total * percent // 100
        if five_years(card, plan.day):
            copaid[year] = copaid.get(year, 0) + total - insurance
        lines.append(f"{next_id + k}\t{pid}\t{plan.facility.id}\t{visit_type}\t{stamp(admitted)}\t"
                     f"{stamp(discharged) if discharged <= now else NULL}\t{plan.diagnosis.code}\t{total}\t"
                     f"{insurance}\t{total - insurance}\n")
    return lines
