"""Working lives: successive jobs, salary changes and arrears, written as contribution periods (quá trình tham gia)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from seed.employers import Employer, EmployerPool
from seed.rng import month_text, round_to
from seed.wages import wage_history
from seed.writer import NULL

# Periods on record start here; each scheme existed only from its own start (BHYT 1992-93, BHTN 2009,
# the separate occupational accident and disease fund from July 2016).
HISTORY_START = 1985 * 12
SCHEME_START = {"BHXH_COMPULSORY": HISTORY_START, "BHYT": 1993 * 12, "BHTN": 2009 * 12, "BHTNLD_BNN": 2016 * 12 + 6}
# Salary bases follow the base salary of their time (seed/wages.py): a career's level, drawn in 2026 money,
# becomes a multiple of the base salary in force (2,340,000 from July 2024).
REFERENCE_BASE = 2_340_000
REAL_RAISE = (1.0, 1.05)  # per segment, on top of the base salary's own rises
# BHXH tự nguyện exists since January 2008; the chosen income stays modest.
VOLUNTARY_START = 2008 * 12
VOLUNTARY_INCOME_CEILING = 20_000_000
# A month's contribution is due by the last day of the next month (Luật BHXH 2024, art. 34): in month `now`,
# only months up to now - 2 can be in arrears (chậm đóng); now - 1 and now are not yet due.
NOT_YET_DUE = 2
ARREARS_PROBABILITY = 0.055  # per salary segment: the employer declared but did not pay the last months


@dataclass(frozen=True, slots=True)
class CareerPlan:
    start: int  # month index of the first job
    end: int  # last month worked (the current month for someone still employed)
    current: bool  # still employed, by an active employer
    retired: bool  # the career ended in retirement: a pension follows
    salary_level: float  # salary basis at the start of the career, before raises, in 2026 money
    max_job_months: int = 240
    arrears_months: int = 0  # forced past-due unpaid months on the last job (demo data)


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    salary: int
    unpaid_from: int | None = None  # months from here to `end` were declared but not paid (nợ đóng)


@dataclass(slots=True)
class Job:
    employer: Employer
    start: int
    end: int
    title: str
    civil_servant: bool  # công chức do not contribute to unemployment insurance
    segments: list[Segment] = field(default_factory=list)


def _job_length(rng: random.Random, longest: int) -> int:
    return max(3, min(longest, int(math.exp(rng.gauss(3.6, 0.8)))))


def _gap(rng: random.Random) -> int:
    r = rng.random()
    return 0 if r < 0.55 else rng.randint(1, 6) if r < 0.85 else rng.randint(7, 30)


def _employer_for(rng: random.Random, pool: EmployerPool, province: str, start: int) -> Employer:
    """An employer that existed at `start`: no limited company before the company law, none closed by then."""
    for _ in range(8):
        employer = pool.pick(rng, province)
        if employer.opens_month <= start and (employer.closed_month is None or employer.closed_month > start + 2):
            return employer
    if start < pool.modern_from:  # before every company form existed: a state body, enterprise or cooperative
        return pool.pick_early(rng, province)
    return pool.pick(rng, province, active=True)


def _job(rng: random.Random, employer: Employer, start: int, end: int, ratio: float) -> Job:
    """`ratio`: the salary basis as a multiple of the base salary; a segment also ends where a rise of the base
    salary overtakes its basis, so every month's basis lies between the base salary and 20 times it."""
    wages = wage_history()
    job = Job(employer, start, end, employer.titles.pick(rng), employer.sector == "HC" and rng.random() < 0.5)
    month = start
    while month <= end:
        last = min(end, month + rng.randint(12, 48) - 1)
        floor, ceiling = wages.bounds(month)
        step = 1000 if floor >= 100_000 else 10 if floor >= 1000 else 1
        salary = min(ceiling, max(floor, round_to(ratio * floor, step)))
        change = wages.next_change(month)
        while change is not None and change <= last:
            if wages.base(change) > salary:  # the new base salary overtakes it: a new basis from then
                last = change - 1
                break
            change = wages.next_change(change)
        job.segments.append(Segment(month, last, salary))
        ratio *= rng.uniform(*REAL_RAISE)
        month = last + 1
    return job


def _fill(rng: random.Random, plan: CareerPlan, pool: EmployerPool, province: str, *, first: int,
          last: int) -> list[Job]:
    jobs: list[Job] = []
    month = first
    while month <= last:
        employer = _employer_for(rng, pool, province, month)
        end = min(last, month + _job_length(rng, plan.max_job_months) - 1)
        if employer.closed_month is not None:
            end = min(end, employer.closed_month - 1)
        jobs.append(_job(rng, employer, month, end, _salary_at(rng, plan, month)))
        month = end + 1 + _gap(rng)
    return jobs


def _salary_at(rng: random.Random, plan: CareerPlan, month: int) -> float:
    """The salary basis as a multiple of the base salary: the career's level, a little higher with seniority."""
    years = (month - plan.start) / 12
    return plan.salary_level / REFERENCE_BASE * 1.015**years * rng.uniform(0.9, 1.25)


def draw_jobs(rng: random.Random, plan: CareerPlan, pool: EmployerPool, province: str, now: int) -> list[Job]:
    if not plan.current:
        jobs = _fill(rng, plan, pool, province, first=plan.start, last=plan.end)
    else:
        length = max(_job_length(rng, plan.max_job_months), plan.arrears_months + 6)
        current_start = max(plan.start, plan.end - length + 1)
        jobs = _fill(rng, plan, pool, province, first=plan.start, last=current_start - 1 - _gap(rng))
        employer = pool.pick(rng, province, active=True)
        jobs.append(_job(rng, employer, current_start, plan.end, _salary_at(rng, plan, current_start)))
    for job in jobs:
        _mark_arrears(rng, job, now)
    if plan.arrears_months and jobs:
        # The last `arrears_months` past-due months are unpaid, and so are the months not yet due after them.
        first = min(jobs[-1].end, now - NOT_YET_DUE) - plan.arrears_months + 1
        for segment in jobs[-1].segments:
            if segment.end >= first:
                segment.unpaid_from = max(segment.start, first)
    return jobs


def _mark_arrears(rng: random.Random, job: Job, now: int) -> None:
    """Nợ đóng: whole past-due months, from a suspended employer's suspension or a trailing stretch of a segment."""
    arrears_from = job.employer.arrears_from
    if job.start > now - NOT_YET_DUE:
        arrears_from = None  # joined too recently to have a past-due month there: nothing is owed for them yet
    for segment in job.segments:
        if arrears_from is not None and segment.end >= arrears_from:
            segment.unpaid_from = max(segment.start, arrears_from)
        elif rng.random() < ARREARS_PROBABILITY:
            last_due = min(segment.end, now - NOT_YET_DUE)
            if last_due >= segment.start:
                segment.unpaid_from = last_due - rng.randint(1, min(6, last_due - segment.start + 1)) + 1


def _stretches(segment: Segment, first: int, now: int) -> list[tuple[int, int, str]]:
    """(from, to, status) of one scheme over a segment: paid, then past-due unpaid, then unpaid not yet due."""
    unpaid = segment.unpaid_from
    if unpaid is None:
        return [(first, segment.end, "PAID")]
    unpaid = max(unpaid, first)
    out = [(first, unpaid - 1, "PAID")] if unpaid > first else []
    due_until = now - NOT_YET_DUE
    if unpaid <= due_until:
        out.append((unpaid, min(segment.end, due_until), "UNPAID"))
    if segment.end > due_until:
        out.append((max(unpaid, due_until + 1), segment.end, "UNPAID"))
    return out


def contribution_lines(person_id: int, jobs: list[Job], next_id: int, now: int) -> list[str]:
    """One row per scheme and stretch with the same employer, salary basis and payment status.

    Unpaid months are split at the due date: past-due arrears in one row, the months not yet due in another.
    """
    lines: list[str] = []
    for job in jobs:
        employer_id, title = job.employer.id, job.title
        for segment in job.segments:
            for scheme, scheme_start in SCHEME_START.items():
                if scheme == "BHTN" and job.civil_servant:
                    continue
                first = max(segment.start, scheme_start)
                if first > segment.end:
                    continue
                head = f"{person_id}\t{scheme}\t{employer_id}\t{title}\t"
                for start, end, status in _stretches(segment, first, now):
                    lines.append(f"{next_id + len(lines)}\t{head}{month_text(start)}\t{month_text(end)}\t"
                                 f"{segment.salary}\t{status}\n")
    return lines


def voluntary_lines(rng: random.Random, person_id: int, first: int, last: int, next_id: int) -> list[str]:
    """BHXH tự nguyện: no employer; the income basis is chosen by the participant and revised now and then."""
    lines: list[str] = []
    first = max(first, VOLUNTARY_START)
    income = rng.choice((1_500_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000))
    month = first
    while month <= last:
        end = min(last, month + rng.choice((6, 12, 12, 24, 36)) - 1)
        lines.append(f"{next_id + len(lines)}\t{person_id}\tBHXH_VOLUNTARY\t{NULL}\t{NULL}\t{month_text(month)}\t"
                     f"{month_text(end)}\t{income}\tPAID\n")
        income = min(VOLUNTARY_INCOME_CEILING, round_to(income * rng.uniform(1.0, 1.15), 50_000))
        month = end + 1
    return lines
