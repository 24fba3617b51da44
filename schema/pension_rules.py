"""The legal rules behind the contribution summary's pension progress, as data with their sources.

- The minimum contribution for a monthly pension (lương hưu): 15 years = 180 months, Luật Bảo hiểm xã hội 2024
  (Luật số 41/2024/QH15, in force since 1 July 2025), Điều 64 (compulsory) and Điều 98 (voluntary BHXH).
- The statutory retirement age in normal working conditions (tuổi nghỉ hưu trong điều kiện lao động bình thường):
  Bộ luật Lao động 2019, Điều 169, with the roadmap of Nghị định 135/2020/NĐ-CP: men 60 years 3 months in 2021, then
  3 months more each calendar year up to 62 (from 2028); women 55 years 4 months in 2021, then 4 months more each
  year up to 60 (from 2035). The age that applies is the one of the calendar year in which the person reaches it, so
  a man born in January 1966 retires at 61 years 9 months (October 2027) and one born in April 1966 at 62 (April
  2028). People who reached the former age (60, 55) before 2021 keep it. The retirement itself takes effect at the
  end of the month in which the age is reached; the pension is paid from the first day of the next month.
Early or late retirement (hazardous work, reduced capacity, agreements) is not modelled.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

PENSION_MINIMUM_MONTHS = 180  # 15 years: Luật BHXH 2024, Điều 64 and Điều 98


@dataclass(frozen=True, slots=True)
class RetirementRoadmap:
    """One gender's roadmap: `start_months` of age in `start_year`, `step_months` more each year up to `final_months`;
    `former_months` before `start_year`."""

    former_months: int
    start_year: int
    start_months: int
    step_months: int
    final_months: int

    def age_in(self, year: int) -> int:
        """The statutory age (in months) for someone who reaches it in calendar `year`."""
        if year < self.start_year:
            return self.former_months
        return min(self.start_months + self.step_months * (year - self.start_year), self.final_months)


# Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP, Điều 4.
ROADMAPS = {
    "MALE": RetirementRoadmap(former_months=60 * 12, start_year=2021, start_months=60 * 12 + 3, step_months=3,
                              final_months=62 * 12),
    "FEMALE": RetirementRoadmap(former_months=55 * 12, start_year=2021, start_months=55 * 12 + 4, step_months=4,
                                final_months=60 * 12),
}


@dataclass(frozen=True, slots=True)
class Retirement:
    age_months: int  # the statutory age, in months
    reached_on: dt.date  # the day the person reaches it
    pension_from: dt.date  # the first day of the month after

    @property
    def age_years_part(self) -> int:
        return self.age_months // 12

    @property
    def age_months_part(self) -> int:
        return self.age_months % 12


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months`, on the same day of the month or the month's last day (a birthday on the 31st)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@functools.lru_cache(maxsize=4096)  # a pure function of two values, asked for by every contribution summary
def statutory_retirement(date_of_birth: dt.date, gender: str) -> Retirement | None:
    """The age and date of retirement in normal conditions; None for a gender the roadmap does not know."""
    roadmap = ROADMAPS.get(gender)
    if roadmap is None:
        return None
    year = roadmap.start_year - 1
    reached = add_months(date_of_birth, roadmap.former_months)
    age = roadmap.former_months
    while reached.year > year:  # the first calendar year whose age the person reaches within that year
        year += 1
        age = roadmap.age_in(year)
        reached = add_months(date_of_birth, age)
        if age == roadmap.final_months:
            break
    after = add_months(reached.replace(day=1), 1)
    return Retirement(age_months=age, reached_on=reached, pension_from=after)


def months_to_go(counted: int) -> int:
    """Months still to contribute before the legal minimum for a pension; 0 once reached."""
    return max(0, PENSION_MINIMUM_MONTHS - counted)
