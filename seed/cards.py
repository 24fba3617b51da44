"""Health insurance cards (thẻ BHYT): the group follows the person's situation at the time the card was issued."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from seed.careers import Job
from seed.facilities import Facility
from seed.people import LifePlan, Person
from seed.rng import Weighted, add_years, day_minutes, month_end, month_index, month_start, stamp
from seed.world import World
from seed.writer import NULL

EMPLOYEE_GROUPS = frozenset({"DN", "HC", "XK", "NN"})
RESIDENCE_AREAS = Weighted(("K1", "K2", "K3"), (5, 3, 2))
EARLIEST_CARD = date(2014, 1, 1)
BHYT_FROM = 1993 * 12  # BHYT contribution periods start in 1993
HOUSEHOLD_PAID = frozenset({"GD", "CN", "LH"})  # bought (or co-paid) by the household, year by year
HISTORY_PAID = EMPLOYEE_GROUPS | {"TE", "HT", "TN"}  # paid by an employer, the state for children, BHXH


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
    if group is None or state != "CURRENT":
        return None
    return _current_span(rng, life, group, today)


def _lapse(rng: random.Random, life: Life, now: int) -> int:
    """The first month without a household or school card for a plan whose card lapsed (EXPIRED): one to twelve
    months ago, or the January before if the last card ran by calendar year."""
    lapse = now - rng.randint(1, 12)
    return lapse if life.group_at(lapse - 1) in ("GD", None) else lapse - lapse % 12


def draw_spans(rng: random.Random, life: Life, today: date) -> list[Span]:
    """The person's cards, oldest first: one for every year of coverage the history shows, then the latest one.

    The latest card follows the plan (CURRENT: valid today). Before it (or before this month for a plan whose card
    lapsed or who has none), the months are split into runs of one card group (`_groups`), and every run of a
    group that paid for a card gets its yearly cards (`_run_spans`): what an employer, BHXH (pensioners, the
    unemployed) or the state for children under 6 paid for always; the other groups (armed forces, state-paid HN,
    CC, CB, pupils, students, households) not at all if the plan has no card, and up to the lapse (`_lapse`) if it
    lapsed; household groups (GD, CN, LH) only for the plan's `previous_cards` years before the latest card or the
    lapse (bought yearly, often with breaks). Cards run from birth at the earliest, and the first on record is the
    one valid on 1 January 2014 (`EARLIEST_CARD`) or later.
    """
    latest, now, state = _latest_span(rng, life, today), month_index(today), life.plan.card_state
    stop = latest.valid_from if latest is not None else month_start(now)
    lapse = _lapse(rng, life, now) if latest is None and state == "EXPIRED" else month_index(stop)
    household_from = lapse - 12 * life.plan.previous_cards
    # From December 2013, so that a card running into 2014 (a TE card to a 6th birthday in January) is kept.
    first = max(month_index(EARLIEST_CARD) - 1, month_index(life.person.birth))
    spans: list[Span] = []
    cursor = life.person.birth
    anchor = month_index(latest.valid_from) if latest is not None else lapse
    for group, run_first, run_last in _runs(_groups(life, first, month_index(stop) - 1), first):
        if group not in HISTORY_PAID and state == "NONE":
            continue  # no card today: only what an employer, the pension or the benefit paid for is on record
        start = max(run_first, household_from) if group in HOUSEHOLD_PAID else run_first
        end = run_last if group in HISTORY_PAID else min(run_last, lapse - 1)
        for drawn in _run_spans(life, group, start, end, anchor):
            # A child's card runs to the day before the 6th birthday even if the pupil's card that follows lapsed.
            limit = drawn.valid_to if group == "TE" and latest is None else stop - timedelta(days=1)
            span = Span(group, max(drawn.valid_from, cursor), min(drawn.valid_to, limit))
            if span.valid_from <= span.valid_to and span.valid_to >= EARLIEST_CARD:
                spans.append(span)
                cursor = span.valid_to + timedelta(days=1)
    if latest is not None:
        spans.append(latest)
    return spans


def _groups(life: Life, first: int, last: int) -> list[str | None]:
    """`Life.group_at` for the months `first`…`last`, by slices (about 150 months a person)."""
    n = last - first + 1
    if n <= 0:
        return []
    born, plan = month_index(life.person.birth), life.plan

    def fill(value: str | None, a: int, b: int) -> None:  # months a…b-1
        a, b = max(a, first) - first, min(b, last + 1) - first
        if a < b:
            groups[a:b] = [value] * (b - a)

    groups: list[str | None] = [plan.base_group] * n
    fill("SV", born + 18 * 12, born + plan.student_until * 12)
    fill("HS", born + 72, born + 18 * 12)
    if life.retired_from is not None:
        fill("HT", life.retired_from, last + 1)
    for month in life.unemployed:
        fill("TN", month, month + 1)
    for job in life.jobs:
        fill(job.employer.sector, job.start, job.end + 1)
    fill("TE", born, born + 72)
    return groups


def _runs(groups: list[str | None], first: int) -> list[tuple[str, int, int]]:
    """Maximal runs of one covered group: (group, first month, last month)."""
    runs: list[tuple[str, int, int]] = []
    start = 0
    for i in range(1, len(groups) + 1):
        if i == len(groups) or groups[i] != groups[start]:
            if groups[start] is not None:
                runs.append((groups[start], first + start, first + i - 1))  # type: ignore[arg-type]
            start = i
    return runs


def _run_spans(life: Life, group: str, first: int, last: int, anchor: int) -> list[Span]:
    """Yearly cards over the months `first`…`last` of one group, renewed as `_current_span` renews them."""
    if group == "TE":
        birth = life.person.birth
        return [Span(group, birth, add_years(birth, 6) - timedelta(days=1))]
    spans, month = [], first
    while month <= last:
        if group in EMPLOYEE_GROUPS:
            began = next((j.start for j in life.jobs if j.start <= month <= j.end), month)
        elif group == "HT" and life.retired_from is not None:
            began = life.retired_from
        elif group == "GD":
            began = anchor  # household cards run twelve months from the month of purchase
        elif group == "TN":
            began = first  # while the unemployment benefit is paid
        else:
            began = 0  # 1 January to 31 December
        end = min(last, month + 11 - (month - began) % 12)
        spans.append(Span(group, month_start(month), month_end(end)))
        month = end + 1
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


def card_lines(rng: random.Random, world: World, life: Life, spans: list[Span], next_id: int, *,
               former_primary: Facility | None = None) -> list[str]:
    """The cards' COPY lines. Each card carries the terms of its group when it started, the residence area of the
    ward, its own five-year date and the primary facility of its year: `former_primary` (the ward's station) for
    the cards before the registration was changed to today's facility, in a year drawn here."""
    person, today = life.person, world.as_of
    fives = five_year_dates(life, spans)
    area = residence_area(person)
    changed = date(rng.randint(2015, today.year), 1, 1) if former_primary is not None else None
    lines: list[str] = []
    previous = None
    for span, five_years in zip(spans, fives, strict=True):
        terms = world.terms(span.group, span.valid_from)
        number = f"{span.group}{terms.level}{person.province.code}{person.code}"
        offset = rng.randint(3, 30) if span.group == "TE" else -rng.randint(5, 40)
        issued = stamp(day_minutes(min(today, span.valid_from + timedelta(days=offset)), rng.randrange(480, 720)))
        primary = person.primary
        if former_primary is not None and changed is not None and span.valid_from < changed:
            primary = former_primary
        previous_number = previous if previous is not None and previous != number else NULL
        lines.append(f"{next_id + len(lines)}\t{person.id}\t{number}\t{span.group}\t{terms.level}\t{terms.percent}\t"
                     f"{person.province.code}\t{span.valid_from}\t{span.valid_to}\t{primary.id}\t"
                     f"{five_years or NULL}\t{area}\t{person.agency.id}\t{previous_number}\t{issued}\n")
        previous = number
    return lines


def five_year_dates(life: Life, spans: list[Span]) -> list[str | None]:
    """Thời điểm đủ 5 năm liên tục of each card: five years after the start of the uninterrupted BHYT coverage
    that runs through the card's first month, if that falls within or before the card's validity.

    Coverage is what the records show: the months of BHYT contribution periods (jobs, from 1993) and of the cards.
    The seed counts only uninterrupted coverage, stricter than the law, which tolerates breaks of up to 3 months.
    """
    covered: set[int] = set()
    for job in life.jobs:
        covered.update(range(max(job.start, BHYT_FROM), job.end + 1))
    for span in spans:
        covered.update(range(month_index(span.valid_from), month_index(span.valid_to) + 1))
    wanted = {month_index(span.valid_from) for span in spans}
    run_start: dict[int, int] = {}
    previous = first = None
    for month in sorted(covered):
        if previous is None or month != previous + 1:
            first = month
        if month in wanted:
            run_start[month] = first  # type: ignore[assignment]
        previous = month
    out: list[str | None] = []
    for span in spans:
        completed = month_start(run_start[month_index(span.valid_from)] + 60)
        out.append(completed.isoformat() if completed <= span.valid_to else None)
    return out
