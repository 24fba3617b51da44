"""Working lives: successive jobs, salary changes and arrears, written as contribution periods (quá trình tham gia)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from seed.employers import Employer, EmployerPool
from seed.rng import month_text, round_to
from seed.writer import NULL

# Periods on record start here; each scheme existed only from its own start (BHYT 1992-93, BHTN 2009,
# the separate occupational accident and disease fund from July 2016).
HISTORY_START = 1985 * 12
SCHEME_START = {"BHXH_COMPULSORY": HISTORY_START, "BHYT": 1993 * 12, "BHTN": 2009 * 12, "BHTNLD_BNN": 2016 * 12 + 6}
# Salary basis bounds (VND): the regional minimum wage of zone I (4.96M from July 2024) up to a senior salary.
SALARY_FLOOR = 4_960_000
SALARY_CEILING = 40_000_000
# BHXH tự nguyện exists since January 2008; the chosen income stays modest.
VOLUNTARY_START = 2008 * 12
VOLUNTARY_INCOME_CEILING = 20_000_000
ARREARS_PROBABILITY = 0.055  # per salary segment: the employer declared but did not pay the last months


@dataclass(frozen=True, slots=True)
class CareerPlan:
    start: int  # month index of the first job
    end: int  # last month worked (the current month for someone still employed)
    current: bool  # still employed, by an active employer
    retired: bool  # the career ended in retirement: a pension follows
    salary_level: float  # salary basis at the start of the career, before raises
    max_job_months: int = 240
    arrears_months: int = 0  # forced trailing unpaid months on the last job (demo data)


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
    for _ in range(4):
        employer = pool.pick(rng, province)
        if employer.closed_month is None or employer.closed_month > start + 2:
            return employer
    return pool.pick(rng, province, active=True)


def _job(rng: random.Random, employer: Employer, start: int, end: int, salary: float) -> Job:
    job = Job(employer, start, end, employer.titles.pick(rng), employer.sector == "HC" and rng.random() < 0.5)
    month = start
    while month <= end:
        last = min(end, month + rng.randint(12, 48) - 1)
        basis = round_to(min(SALARY_CEILING, max(SALARY_FLOOR, salary)), 1000)
        job.segments.append(Segment(month, last, basis))
        salary *= rng.uniform(1.03, 1.12)
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
    years = (month - plan.start) / 12
    return plan.salary_level * 1.04**years * rng.uniform(0.9, 1.25)


def draw_jobs(rng: random.Random, plan: CareerPlan, pool: EmployerPool, province: str) -> list[Job]:
    if not plan.current:
        jobs = _fill(rng, plan, pool, province, first=plan.start, last=plan.end)
    else:
        current_start = max(plan.start, plan.end - _job_length(rng, plan.max_job_months) + 1)
        jobs = _fill(rng, plan, pool, province, first=plan.start, last=current_start - 1 - _gap(rng))
        employer = pool.pick(rng, province, active=True)
        jobs.append(_job(rng, employer, current_start, plan.end, _salary_at(rng, plan, current_start)))
    for job in jobs:
        _mark_arrears(rng, job)
    if plan.arrears_months and jobs:
        last = jobs[-1].segments[-1]
        last.unpaid_from = max(last.start, last.end - plan.arrears_months + 1)
    return jobs


def _mark_arrears(rng: random.Random, job: Job) -> None:
    arrears_from = job.employer.arrears_from
    for segment in job.segments:
        if arrears_from is not None and segment.end >= arrears_from:
            segment.unpaid_from = max(segment.start, arrears_from)
        elif rng.random() < ARREARS_PROBABILITY:
            segment.unpaid_from = segment.end - rng.randint(1, min(6, segment.end - segment.start + 1)) + 1


def contribution_lines(person_id: int, jobs: list[Job], next_id: int) -> list[str]:
    """One row per scheme and stretch with the same employer, salary basis and payment status."""
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
                unpaid = segment.unpaid_from
                if unpaid is not None and unpaid > first:
                    lines.append(f"{next_id + len(lines)}\t{head}{month_text(first)}\t{month_text(unpaid - 1)}\t"
                                 f"{segment.salary}\tPAID\n")
                    first = unpaid
                status = "PAID" if unpaid is None else "UNPAID"
                lines.append(f"{next_id + len(lines)}\t{head}{month_text(first)}\t{month_text(segment.end)}\t"
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
