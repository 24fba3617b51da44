"""Medical visits (lịch sử khám chữa bệnh BHYT) since 2017, near home, paid by the card's coverage.

The hot loop of the whole seed: times are minutes since day 1 of the calendar and rows are COPY text lines.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from seed.cards import Span
from seed.directory import Directory
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
# Median cost (VND) of an outpatient visit and of an inpatient day, by the facility's level.
OUTPATIENT_COST = {"COMMUNE": 45_000, "BASIC": 260_000, "PROVINCIAL": 420_000, "CENTRAL": 850_000}
INPATIENT_DAY_COST = {"BASIC": 700_000, "PROVINCIAL": 1_200_000, "CENTRAL": 2_500_000}
LOG_OUTPATIENT = {level: math.log(cost) for level, cost in OUTPATIENT_COST.items()}
LOG_INPATIENT_DAY = {level: math.log(cost) for level, cost in INPATIENT_DAY_COST.items()}


def visit_count(rng: random.Random, person: Person, first: date, last: date) -> int:
    years = (last - first).days / 365.25
    age = age_on(person.birth, last)
    rate = next(r for bound, r in RATE_BY_AGE if age < bound)
    return skewed_count(rng, rate * years, SKEW)


def _facility(rng: random.Random, directory: Directory, person: Person) -> Facility:
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


def _stay(rng: random.Random, visit_type: str, day: int, admitted: int, level: str) -> tuple[int, int]:
    """Discharge (minutes) and total cost (VND) of a visit admitted at `admitted` on day ordinal `day`."""
    if visit_type == "INPATIENT":
        days = 1 + min(45, int(rng.expovariate(0.2)))
        per_day = math.exp(rng.gauss(LOG_INPATIENT_DAY.get(level, LOG_INPATIENT_DAY["BASIC"]), 0.5))
        return (day + days) * 1440 + 480 + int(rng.random() * 480), int(days * per_day)
    log_median = LOG_OUTPATIENT.get(level, LOG_OUTPATIENT["BASIC"])
    if visit_type == "OUTPATIENT":
        return admitted + 20 + int(rng.random() * 220), int(math.exp(rng.gauss(log_median, 0.7)))
    if visit_type == "DAY_TREATMENT":
        return admitted + 240 + int(rng.random() * 300), int(math.exp(rng.gauss(log_median + 1.1, 0.6)))
    return admitted + 120 + int(rng.random() * 1680), int(math.exp(rng.gauss(log_median + 1.6, 0.8)))


def visit_lines(rng: random.Random, ctx: Context, person: Person, spans: list[Span], *, count: int | None,
                next_id: int) -> list[str]:
    world, directory = ctx.world, ctx.directory
    if not spans:
        return []
    first = max(RECORDS_FROM, person.birth)
    last = min(world.as_of - timedelta(days=1), spans[-1].valid_to)
    if last < first:
        return []
    n = visit_count(rng, person, first, last) if count is None else count
    first_day, days = first.toordinal(), (last - first).days + 1
    now = world.as_of.toordinal() * 1440  # discharges after midnight of the data set's day have not happened
    coverage = [(s.valid_from.toordinal(), world.terms(s.group, s.valid_from).percent) for s in spans]
    birth_year, pid = person.birth.year, person.id
    pickers = [world.diagnoses[(band, person.gender)] for band in ("child", "adult", "elderly")]
    lines = []
    for k in range(n):
        day = first_day + int(rng.random() * days)
        facility = _facility(rng, directory, person)
        visit_type = VISIT_TYPES["CENTRAL" if facility.level == "CENTRAL" else facility.kind].pick(rng)
        minute = int(rng.random() * 1440) if visit_type == "EMERGENCY" else 420 + int(rng.random() * 570)
        admitted = day * 1440 + minute
        discharged, cost = _stay(rng, visit_type, day, admitted, facility.level or "BASIC")
        total = max(10_000, cost // 100 * 100)
        percent = coverage[0][1]
        for valid_from, span_percent in coverage:
            if valid_from <= day:
                percent = span_percent
        insurance = total * percent // 100
        age = date.fromordinal(day).year - birth_year
        diagnosis = pickers[0 if age < 16 else 1 if age < 60 else 2].pick(rng)
        lines.append(f"{next_id + k}\t{pid}\t{facility.id}\t{visit_type}\t{stamp(admitted)}\t"
                     f"{stamp(discharged) if discharged <= now else NULL}\t{diagnosis}\t{total}\t{insurance}\t"
                     f"{total - insurance}\n")
    return lines
