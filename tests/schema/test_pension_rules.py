"""The pension rules: the statutory retirement age on the roadmap of Bộ luật Lao động 2019 (Nghị định 135/2020/NĐ-CP)
and the 180 months of Luật BHXH 2024."""

from __future__ import annotations

import datetime as dt

import pytest

from schema.pension_rules import PENSION_MINIMUM_MONTHS, add_months, months_to_go, statutory_retirement


@pytest.mark.parametrize(
    ("born", "gender", "age", "reached", "pension_from"),
    [
        # men: 60 before 2021, 60y3m in 2021, +3 months a year, 62 from 2028
        (dt.date(1960, 12, 15), "MALE", (60, 0), dt.date(2020, 12, 15), dt.date(2021, 1, 1)),
        (dt.date(1961, 1, 1), "MALE", (60, 3), dt.date(2021, 4, 1), dt.date(2021, 5, 1)),
        (dt.date(1961, 9, 30), "MALE", (60, 3), dt.date(2021, 12, 30), dt.date(2022, 1, 1)),
        (dt.date(1961, 10, 1), "MALE", (60, 6), dt.date(2022, 4, 1), dt.date(2022, 5, 1)),
        (dt.date(1964, 1, 10), "MALE", (61, 3), dt.date(2025, 4, 10), dt.date(2025, 5, 1)),
        (dt.date(1964, 9, 30), "MALE", (61, 3), dt.date(2025, 12, 30), dt.date(2026, 1, 1)),
        (dt.date(1964, 10, 1), "MALE", (61, 6), dt.date(2026, 4, 1), dt.date(2026, 5, 1)),
        (dt.date(1966, 1, 31), "MALE", (61, 9), dt.date(2027, 10, 31), dt.date(2027, 11, 1)),
        (dt.date(1966, 3, 31), "MALE", (61, 9), dt.date(2027, 12, 31), dt.date(2028, 1, 1)),
        (dt.date(1966, 4, 1), "MALE", (62, 0), dt.date(2028, 4, 1), dt.date(2028, 5, 1)),
        (dt.date(1990, 2, 28), "MALE", (62, 0), dt.date(2052, 2, 28), dt.date(2052, 3, 1)),
        # women: 55 before 2021, 55y4m in 2021, +4 months a year, 60 from 2035
        (dt.date(1965, 12, 31), "FEMALE", (55, 0), dt.date(2020, 12, 31), dt.date(2021, 1, 1)),
        (dt.date(1966, 1, 1), "FEMALE", (55, 4), dt.date(2021, 5, 1), dt.date(2021, 6, 1)),
        (dt.date(1970, 1, 1), "FEMALE", (57, 4), dt.date(2027, 5, 1), dt.date(2027, 6, 1)),
        (dt.date(1970, 8, 31), "FEMALE", (57, 4), dt.date(2027, 12, 31), dt.date(2028, 1, 1)),
        (dt.date(1970, 9, 1), "FEMALE", (57, 8), dt.date(2028, 5, 1), dt.date(2028, 6, 1)),
        (dt.date(1975, 1, 1), "FEMALE", (59, 8), dt.date(2034, 9, 1), dt.date(2034, 10, 1)),
        (dt.date(1975, 5, 1), "FEMALE", (60, 0), dt.date(2035, 5, 1), dt.date(2035, 6, 1)),
    ],
)
def test_the_statutory_retirement_follows_the_roadmap(
    born: dt.date, gender: str, age: tuple[int, int], reached: dt.date, pension_from: dt.date
) -> None:
    retirement = statutory_retirement(born, gender)

    assert retirement is not None
    assert (retirement.age_years_part, retirement.age_months_part) == age
    assert (retirement.reached_on, retirement.pension_from) == (reached, pension_from)


def test_a_man_born_in_1964_retires_before_one_born_in_1966_and_younger() -> None:
    early, late = statutory_retirement(dt.date(1964, 6, 1), "MALE"), statutory_retirement(dt.date(1966, 6, 1), "MALE")

    assert early is not None and late is not None
    assert early.age_months < late.age_months == 62 * 12


def test_an_unknown_gender_has_no_retirement() -> None:
    assert statutory_retirement(dt.date(1970, 1, 1), "OTHER") is None


def test_a_birthday_on_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert add_months(dt.date(1961, 5, 31), 60 * 12 + 1) == dt.date(2021, 6, 30)
    assert add_months(dt.date(1964, 2, 29), 12) == dt.date(1965, 2, 28)


@pytest.mark.parametrize(("counted", "to_go"), [(0, 180), (179, 1), (180, 0), (181, 0), (400, 0)])
def test_the_months_to_go_stop_at_the_legal_minimum(counted: int, to_go: int) -> None:
    assert PENSION_MINIMUM_MONTHS == 180
    assert months_to_go(counted) == to_go
