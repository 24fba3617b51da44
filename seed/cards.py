"""Health insurance cards (thẻ BHYT): the group follows the person's situation at the time the card was issued."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from seed.careers import Job
from seed.people import LifePlan, Person
from seed.rng import Weighted, add_years, day_minutes, month_end, month_index, month_start, stamp
from seed.world import World
from seed.writer import NULL

EMPLOYEE_GROUPS = frozenset({"DN", "HC", "XK", "NN"})
RESIDENCE_AREAS = Weighted(("K1", "K2", "K3"), (5, 3, 2))
EARLIEST_CARD = date(2014, 1, 1)
BHYT_FROM = 1993 * 12  # BHYT contribution periods start in 1993


@dataclass(slots=True)
class Life:
    """What the card group is derived from: age, jobs, unemployment benefit months and retirement."""

    person: Person
    plan: LifePlan
    jobs: list[Job]
    unemployed: set[int]
    retired_from: int | None

    def group_at(self, month: int) -> str | None:
        """Nhóm đối tượng in `month`: what pays for the card takes precedence over what the person is."""
        age_months = month - month_index(self.person.birth)
        if age_months < 72:
            return "TE"
        employer = next((job.employer for job in self.jobs if job.start <= month <= job.end), None)
        if employer is not None:
            return employer.sector
        if month in self.unemployed:
            return "TN"
        if self.retired_from is not None and month >= self.retired_from:
            return "HT"
        return self._by_age(age_months)

    def _by_age(self, age_months: int) -> str | None:
        if age_months < 18 * 12:
            return "HS"
        if age_months < self.plan.student_until * 12:
            return "SV"
        return self.plan.base_group


@dataclass(frozen=True, slots=True)
class Span:
    group: str
    valid_from: date
    valid_to: date


def _current_span(rng: random.Random, life: Life, group: str, today: date) -> Span:
    now = month_index(today)
    jan_first, dec_last = date(today.year, 1, 1), date(today.year, 12, 31)
    if group == "TE":
        birth = life.person.birth
        return Span(group, birth, add_years(birth, 6) - timedelta(days=1))
    if group in EMPLOYEE_GROUPS or (group == "HT" and life.retired_from is not None):
        # Renewed yearly in the month the job (or the pension) began, so expiry dates spread over the year.
        began = life.retired_from if group == "HT" else next(j for j in life.jobs if j.start <= now <= j.end).start
        start = now - (now - began) % 12 if began is not None else month_index(jan_first)
        return Span(group, month_start(start), month_end(start + 11))
    if group == "TN":
        first = last = now
        while first - 1 in life.unemployed:
            first -= 1
        while last + 1 in life.unemployed:
            last += 1
        return Span(group, month_start(first), month_end(last))
    if group == "GD":  # household cards run twelve months from the month they were bought
        start = now - rng.randint(0, 11)
        return Span(group, month_start(start), month_end(start + 11))
    return Span(group, jan_first, dec_last)


def _latest_span(rng: random.Random, life: Life, today: date) -> Span | None:
    now = month_index(today)
    group = life.group_at(now)
    state = "CURRENT" if group == "TE" else life.plan.card_state
    if group is None or state == "NONE":
        return None
    if state == "CURRENT":
        return _current_span(rng, life, group, today)
    start = now - rng.randint(13, 24)  # lapsed one to twelve months ago and not renewed
    group = life.group_at(start) or group
    if group == "TE":
        return None
    return Span(group, month_start(start), month_end(start + 11))


def draw_spans(rng: random.Random, life: Life, today: date) -> list[Span]:
    """The person's cards, oldest first: the latest one and up to `previous_cards` consecutive ones before it.

    A pensioner's yearly HT cards all stay on record back to the pension's first month, so their coverage runs on
    from the BHYT of their working life (and the five-year date follows from it).
    """
    latest = _latest_span(rng, life, today)
    if latest is None:
        return []
    spans = [latest]
    while True:
        valid_to = spans[0].valid_from - timedelta(days=1)
        if valid_to < EARLIEST_CARD:
            break
        group = life.group_at(month_index(valid_to))
        if group is None or (len(spans) > life.plan.previous_cards and group != "HT"):
            break
        if group == "TE":
            spans.insert(0, Span(group, life.person.birth, valid_to))
            break
        spans.insert(0, Span(group, add_years(valid_to, -1) + timedelta(days=1), valid_to))
    return spans


def residence_area(person: Person) -> str:
    """K1/K2/K3 (nơi sinh sống) belongs to the ward, not the person: every resident of an island ward (đặc khu)
    gets K3, and in mountainous provinces a fixed 12% of wards (chosen by the ward code, the same for every seed)
    count as disadvantaged areas, with one of K1, K2, K3; everyone else NULL."""
    ward = person.ward
    if ward.island:
        return "K3"
    if not person.province.remote:
        return NULL
    draw = zlib.crc32(ward.code.encode())
    if draw % 100 >= 12:
        return NULL
    return RESIDENCE_AREAS.pick(random.Random(draw))


def card_lines(rng: random.Random, world: World, life: Life, spans: list[Span], next_id: int) -> list[str]:
    person, today = life.person, world.as_of
    continuous = continuous_from(life, spans, today) if spans and spans[-1].valid_to >= today else None
    area = residence_area(person)
    lines: list[str] = []
    previous = None
    for span in spans:
        terms = world.terms(span.group, span.valid_from)
        number = f"{span.group}{terms.level}{person.province.code}{person.code}"
        offset = rng.randint(3, 30) if span.group == "TE" else -rng.randint(5, 40)
        issued = stamp(day_minutes(min(today, span.valid_from + timedelta(days=offset)), rng.randrange(480, 720)))
        five_years = continuous if span is spans[-1] and continuous else NULL
        previous_number = previous if previous is not None and previous != number else NULL
        lines.append(f"{next_id + len(lines)}\t{person.id}\t{number}\t{span.group}\t{terms.level}\t{terms.percent}\t"
                     f"{person.province.code}\t{span.valid_from}\t{span.valid_to}\t{person.primary.id}\t"
                     f"{five_years}\t{area}\t{person.agency.id}\t{previous_number}\t{issued}\n")
        previous = number
    return lines


def continuous_from(life: Life, spans: list[Span], today: date) -> str | None:
    """Thời điểm đủ 5 năm liên tục: five years after the start of the uninterrupted BHYT coverage that runs to today.

    Coverage is what the records show: the months of BHYT contribution periods (jobs, from 1993) and of the cards.
    The seed counts only uninterrupted coverage, stricter than the law, which tolerates breaks of up to 3 months.
    """
    covered: set[int] = set()
    for job in life.jobs:
        covered.update(range(max(job.start, BHYT_FROM), job.end + 1))
    for span in spans:
        covered.update(range(month_index(span.valid_from), month_index(span.valid_to) + 1))
    month = month_index(today)
    if month not in covered:
        return None
    while month - 1 in covered:
        month -= 1
    completed = month_start(month + 60)
    return completed.isoformat() if completed <= spans[-1].valid_to else None
