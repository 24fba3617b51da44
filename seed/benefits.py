"""Benefits (thông tin hưởng) consistent with the working life that earned them."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from core.pensions import adjusted_all
from db.reference import read_data_csv
from seed.careers import SCHEME_START, Job
from seed.rng import month_end, month_index, month_start
from seed.wages import WageHistory
from seed.writer import NULL

# Benefits paid before the app's data begins are not on record.
BENEFITS_FROM = 2016 * 12
VISITS_FROM = 2017 * 12  # the visit history begins in January 2017
RECORDS_FROM = date(2016, 1, 1)
UNEMPLOYMENT_CAP = 5 * 4_960_000  # five times the regional minimum wage
SICK_DAYS = (1, 1, 2, 2, 3, 3, 3, 4, 5, 5, 7, 10, 14, 20, 30)


@dataclass(frozen=True, slots=True)
class BaseSalary:
    """Lương cơ sở by date (VND): maternity grants and convalescence are multiples of it."""

    starts: list[date]
    amounts: list[int]

    def on(self, day: date) -> int:
        return self.amounts[max(0, bisect.bisect(self.starts, day) - 1)]


def load_base_salary() -> BaseSalary:
    rows = read_data_csv("base_salary.csv")
    return BaseSalary([date.fromisoformat(r["from"]) for r in rows], [int(r["amount"]) for r in rows])


@dataclass(slots=True)
class BenefitDraft:
    kind: str
    period_from: date
    period_to: date | None
    days: int | None
    amount: int
    paid_on: date
    decision: str | None = None  # one decision for every payment of a pension; drawn per benefit otherwise


def _paid(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


def one_off_benefits(rng: random.Random, jobs: list[Job], *, female: bool, birth: date,
                     base: BaseSalary) -> list[BenefitDraft]:
    """Sickness, maternity, convalescence and occupational benefits while the person was employed."""
    out: list[BenefitDraft] = []
    last_birth = -100
    for job in jobs:
        for segment in job.segments:
            for year_start in range(max(segment.start, BENEFITS_FROM), segment.end + 1, 12):
                month = rng.randint(year_start, min(segment.end, year_start + 11))
                day = month_start(month) + timedelta(days=rng.randrange(28))
                age = day.year - birth.year
                r = rng.random()
                if female and 20 <= age <= 40 and month - last_birth >= 24 and r < 0.10:
                    out.extend(_maternity(rng, day, segment.salary, base))
                    last_birth = month
                elif r < 0.22:
                    out.extend(_sickness(rng, day, segment.salary, base))
                elif r < 0.2225:
                    out.append(_occupational(rng, "OCCUPATIONAL_ACCIDENT", day, base))
                elif r < 0.2233:
                    out.append(_occupational(rng, "OCCUPATIONAL_DISEASE", day, base))
    return out


def _sickness(rng: random.Random, day: date, salary: int, base: BaseSalary) -> list[BenefitDraft]:
    days = rng.choice(SICK_DAYS)
    end = day + timedelta(days=days - 1)
    out = [BenefitDraft("SICKNESS", day, end, days, salary * 75 * days // (100 * 24), _paid(rng, end, 10, 45))]
    if days >= 7 and rng.random() < 0.3:
        out.append(_convalescence(rng, end, base))
    return out


def _maternity(rng: random.Random, day: date, salary: int, base: BaseSalary) -> list[BenefitDraft]:
    end = day + timedelta(days=179)  # six months' leave: 100% of salary plus a grant of twice the base salary
    out = [BenefitDraft("MATERNITY", day, end, 180, salary * 6 + 2 * base.on(day), _paid(rng, day, 20, 60))]
    if rng.random() < 0.4:
        out.append(_convalescence(rng, end, base))
    return out


def _convalescence(rng: random.Random, after: date, base: BaseSalary) -> BenefitDraft:
    start = after + timedelta(days=rng.randint(1, 30))
    days = rng.randint(5, 10)
    end = start + timedelta(days=days - 1)
    return BenefitDraft("CONVALESCENCE", start, end, days, base.on(start) * 30 * days // 100, _paid(rng, end, 15, 60))


def _occupational(rng: random.Random, kind: str, day: date, base: BaseSalary) -> BenefitDraft:
    days = rng.randint(10, 90)
    end = day + timedelta(days=days - 1)
    return BenefitDraft(kind, day, end, days, base.on(day) * rng.randint(5, 30), _paid(rng, end, 30, 120))


def showcase_benefits(rng: random.Random, jobs: list[Job], drafts: list[BenefitDraft], *, female: bool, birth: date,
                      base: BaseSalary) -> list[BenefitDraft]:
    """For demo people: make sure the history shows a recent sickness and, for a woman of age, a maternity leave."""
    segment = jobs[-1].segments[-1]
    extra: list[BenefitDraft] = []
    # Recent: in the last 30 months of the career, when the demo people's cards (four yearly ones) are on record, so
    # that the visit history shows the visit that began the leave (an older one, with no card, is not kept).
    recent_from = max(VISITS_FROM, jobs[-1].end - 30)
    if not any(d.kind == "SICKNESS" and month_index(d.period_from) >= recent_from for d in drafts):
        day = month_start(max(segment.start, segment.end - 10)) + timedelta(days=rng.randrange(20))
        extra.extend(_sickness(rng, day, segment.salary, base))
    births = [month_index(d.period_from) for d in drafts if d.kind == "MATERNITY"]
    if female and not any(month >= recent_from for month in births):
        extra.extend(_recent_birth(rng, jobs, births, recent_from, birth=birth, base=base))
    return extra


def _recent_birth(rng: random.Random, jobs: list[Job], births: list[int], since: int, *, birth: date,
                  base: BaseSalary) -> list[BenefitDraft]:
    for job in reversed(jobs):
        for month in range(max(job.start + 6, since), job.end - 5):
            if 22 <= month // 12 - birth.year <= 40 and all(abs(month - earlier) >= 24 for earlier in births):
                salary = next(s.salary for s in job.segments if s.end >= month)
                return _maternity(rng, month_start(month) + timedelta(days=9), salary, base)
    return []


def unemployment_benefits(rng: random.Random, jobs: list[Job], career_over: bool) -> list[BenefitDraft]:
    """Trợ cấp thất nghiệp after a job that ended with a gap of 3 months or more and 12+ months of BHTN."""
    out: list[BenefitDraft] = []
    insured = 0
    for i, job in enumerate(jobs):
        if not job.civil_servant:
            insured += max(0, job.end - max(job.start, SCHEME_START["BHTN"]) + 1)
        following = jobs[i + 1].start if i + 1 < len(jobs) else None
        gap = (following - job.end - 1) if following is not None else (120 if career_over else 0)
        if gap < 3 or insured < 12 or job.end < BENEFITS_FROM or job.civil_servant:
            continue
        months = min(12, 3 + max(0, (insured - 36) // 12), gap - 1)
        last_salaries = [s.salary for s in job.segments[-2:]]
        monthly = min(UNEMPLOYMENT_CAP, sum(last_salaries) * 60 // (100 * len(last_salaries)))
        for month in range(job.end + 2, job.end + 2 + months):
            out.append(BenefitDraft("UNEMPLOYMENT", month_start(month), month_end(month), None, monthly,
                                    _paid(rng, month_start(month), 5, 12)))
        insured = 0  # the months that earned a benefit are used up
    return out


LAW_2014_RATES_FROM = 2018 * 12  # January 2018: Luật BHXH 2014 art. 56.2
LAW_2024_FROM = 2025 * 12 + 6  # July 2025: Luật BHXH 2024


def replacement_rate(years: int, male: bool, start: int) -> int:
    """Tỷ lệ hưởng lương hưu for whole `years` counted, by the law in force in the pension's first month `start`:

    - before 2018 (Luật BHXH 2006 art. 52, Luật BHXH 2014 art. 56.1): 45% for 15 years, then +2% a year (men) or
      +3% (women), at most 75%;
    - 2018 to June 2025 (Luật BHXH 2014 art. 56.2): women 45% for 15 years; men 45% for 16 years in 2018, 17 in
      2019, 18 in 2020, 19 in 2021 and 20 from 2022; then +2% a year, at most 75%;
    - from July 2025 (Luật BHXH 2024 art. 66): the same, and men with 15 to 19 years get 40% for 15 years, +1% a
      further year.
    `seed/checks/life.py` (pension_rate_by_years) checks the same rule in SQL.
    """
    if start < LAW_2014_RATES_FROM:
        return min(75, 45 + (2 if male else 3) * max(0, years - 15))
    base = min(20, 16 + start // 12 - 2018) if male else 15
    if male and years < base and start >= LAW_2024_FROM:
        return 40 + max(0, years - 15)
    return min(75, 45 + 2 * max(0, years - base))


@dataclass(frozen=True, slots=True)
class PensionFacts:
    """The pension decision: what `pensions` records (the monthly payments are benefits rows)."""

    decision: str
    start: int  # month index of the first month paid
    months_counted: int
    rate: int
    average_salary: int
    initial_amount: int


@cache
def _adjustments() -> list[tuple[int, Decimal]]:
    """(month index, percent) of the yearly pension adjustments."""
    return [(month_index(date.fromisoformat(r["from"])), Decimal(r["percent"]))
            for r in read_data_csv("pension_adjustments.csv")]


def pension_benefits(rng: random.Random, jobs: list[Job], male: bool, retired: int, now: int, *,
                     wages: WageHistory) -> tuple[list[BenefitDraft], PensionFacts]:
    """Lương hưu: one decision from the month after retirement age, paid monthly (the last 24 payments are kept).

    The starting amount is the replacement rate of the years counted times the average salary basis, each
    segment revalued by the base salary's rise since (a stand-in for the official revaluation index); the
    yearly adjustments of pension_adjustments.csv apply from their dates.
    """
    segments = [s for job in jobs for s in job.segments]
    months = sum(s.end - s.start + 1 for s in segments)
    at_start = wages.base(retired)
    revalued = sum(s.salary * at_start // wages.base(s.start) * (s.end - s.start + 1) for s in segments)
    average = revalued // max(1, months)
    rate = replacement_rate(months // 12, male, retired)
    monthly = average * rate // 100
    decision = f"{rng.randint(1, 9999)}/QĐ-BHXH"
    facts = PensionFacts(decision, retired, months, rate, average, monthly)
    adjustments = [(m, p) for m, p in _adjustments() if m > retired]
    out = []
    for month in range(max(retired, now - 23), now + 1):
        amount = adjusted_all(monthly, [percent for since, percent in adjustments if month >= since])
        out.append(BenefitDraft("PENSION", month_start(month), month_end(month), None, amount,
                                _paid(rng, month_start(month), 2, 9), decision))
    return out, facts


def pension_line(person_id: int, agency_id: int, facts: PensionFacts) -> str:
    """The `pensions` COPY line of a pension decision."""
    return (f"{person_id}\t{facts.decision}\t{month_start(facts.start)}\t{facts.months_counted}\t{facts.rate}\t"
            f"{facts.average_salary}\t{facts.initial_amount}\t{agency_id}\n")


def lump_sum_benefit(rng: random.Random, jobs: list[Job]) -> BenefitDraft:
    """BHXH một lần, at least 12 months after the last job: 1.5 months' salary per year before 2014, 2 after."""
    segments = [s for job in jobs for s in job.segments]
    months = sum(s.end - s.start + 1 for s in segments)
    average = sum(s.salary * (s.end - s.start + 1) for s in segments) // max(1, months)
    before = sum(max(0, min(s.end, 2013 * 12 + 11) - s.start + 1) for s in segments)
    amount = average * (15 * before + 20 * (months - before)) // 120
    start, end = month_start(jobs[0].start), month_end(jobs[-1].end)
    paid = month_start(jobs[-1].end + rng.randint(13, 20)) + timedelta(days=rng.randint(0, 27))
    return BenefitDraft("LUMP_SUM", start, end, None, amount, paid)


def benefit_lines(rng: random.Random, drafts: list[BenefitDraft], *, person_id: int, agency_id: int, today: date,
                  next_id: int) -> list[str]:
    lines: list[str] = []
    for d in drafts:
        if d.paid_on >= today or d.paid_on < RECORDS_FROM:
            continue  # not paid yet, or before the records begin
        decision = d.decision or f"{rng.randint(1, 9999)}/QĐ-BHXH"
        period_to = NULL if d.period_to is None else d.period_to.isoformat()
        days = NULL if d.days is None else d.days
        lines.append(f"{next_id + len(lines)}\t{person_id}\t{d.kind}\t{decision}\t{d.period_from}\t{period_to}\t"
                     f"{days}\t{d.amount}\t{d.paid_on}\t{agency_id}\n")
    return lines
