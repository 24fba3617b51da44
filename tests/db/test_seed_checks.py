"""The integrity report (seed/checks): zero violations on the seed, and each rule counts a row planted to break it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest
from stdnum.vn import mst

import seed.checks
from core.settings import Settings
from main import _check
from seed.checks import discover, report, run_checks
from seed.checks.life import CHECKS
from tests.factories import add_benefit, add_card, add_period, make_person

Plant = Callable[[asyncpg.Connection, dt.date], Awaitable[None]]


async def _month(db: asyncpg.Connection) -> dt.date:
    """First day of the data set's month."""
    as_of: dt.date = await db.fetchval("select (value ->> 'as_of')::date from dataset_info where key = 'seed'")
    return as_of.replace(day=1)


def _ym(month: dt.date, shift: int) -> str:
    index = month.year * 12 + month.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def _count(db: asyncpg.Connection, name: str) -> int:
    sql = next(check[2] for check in CHECKS if check[0] == name)
    return int(await db.fetchval(sql))


async def test_the_seed_breaks_no_rule(db: asyncpg.Connection) -> None:
    results = await run_checks(db)

    assert {r.name for r in results if r.module == "life"} == {name for name, _, _ in CHECKS}
    assert [(r.name, r.violations) for r in results if r.violations] == []
    assert report(results).endswith(f"{len(results)} rules, 0 with violations, 0 violations")


def test_every_module_of_the_package_is_discovered_with_plain_tuples() -> None:
    found = discover()

    # every module of seed/checks (read from the directory, not from the discovery under test) gives its rules
    modules = {path.stem for path in (Path(seed.checks.__file__).parent).glob("*.py") if path.stem != "__init__"}
    assert modules >= {"life", "visits"}
    assert {module for module, _ in found} == modules
    assert all(isinstance(check, tuple) and len(check) == 3 and all(isinstance(part, str) for part in check)
               for _, check in found)


async def _arrears_with_the_current_month(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_period(db, person.id, "BHXH_COMPULSORY", _ym(month, -3), _ym(month, 0), status="UNPAID")


async def _current_month_alone_unpaid(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_period(db, person.id, "BHXH_COMPULSORY", _ym(month, 0), _ym(month, 0), status="UNPAID")


async def _millions_in_1986(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1960, 1, 1))
    await add_period(db, person.id, "BHXH_COMPULSORY", "1986-01", "1986-12")  # 12,500,000 đồng a month


async def _limited_company_in_1989(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1960, 1, 1))
    employer = await db.fetchval("select id from employers where name like 'Công ty TNHH %' and name not like "
                                 "'%MTV%' order by id limit 1")
    await db.execute(
        """insert into contribution_periods (person_id, scheme, employer_id, job_title, from_month, to_month,
                                             salary_basis, status)
           values ($1, 'BHXH_COMPULSORY', $2, 'Kế toán viên', '1989-01-01', '1989-12-01', 50000, 'PAID')""",
        person.id, employer)


async def _teacher_at_an_enterprise(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    employer = await db.fetchval("select id from employers where code like 'DN%' order by id limit 1")
    await db.execute(
        """insert into contribution_periods (person_id, scheme, employer_id, job_title, from_month, to_month,
                                             salary_basis, status)
           values ($1, 'BHXH_COMPULSORY', $2, 'Giáo viên', '2020-01-01', '2020-12-01', 8000000, 'PAID')""",
        person.id, employer)


async def _tax_code_of_another_province(db: asyncpg.Connection, month: dt.date) -> None:
    employer = await db.fetchrow("select id, tax_code, province_code from employers order by id limit 1")
    prefix = "03" if employer["province_code"] == "01" else "01"
    # with a valid check digit, so that only the prefix is wrong
    bodies = (f"{prefix}{employer['tax_code'][2:8]}{n}" for n in range(10))
    body = next(b for b in bodies if len(mst.calc_check_digit(b)) == 1)
    await db.execute("update employers set tax_code = $2 where id = $1", employer["id"],
                     body + mst.calc_check_digit(body))


async def _two_pension_decisions(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1950, 1, 1))
    for day in (dt.date(2026, 2, 10), dt.date(2026, 3, 10)):
        benefit = await add_benefit(db, person.id, "PENSION", day)
        await db.execute("update benefits set decision_number = $2 where id = $1", benefit, f"{day.month}/QĐ-BHXH")


async def _pension_at_36(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1990, 3, 12))
    await add_benefit(db, person.id, "PENSION", dt.date(2026, 6, 10))


async def _pension_while_employed(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1950, 1, 1))
    await add_period(db, person.id, "BHXH_COMPULSORY", "2024-01", "2024-12")
    await add_benefit(db, person.id, "PENSION", dt.date(2024, 6, 1))


async def _five_years_without_coverage(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)  # the factory's card says 2020-01-01; nothing covers 2015-2019
    await add_card(db, person, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31))


async def _five_covered_years_without_the_date(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_period(db, person.id, "BHYT", _ym(month, -72), _ym(month, 0))
    card = await add_card(db, person, valid_from=month, valid_to=month + dt.timedelta(days=360))
    await db.execute("update insurance_cards set five_years_continuous_from = null where id = $1", card)


async def _a_neighbour_in_another_area(db: asyncpg.Connection, month: dt.date) -> None:
    as_of = await db.fetchval("select (value ->> 'as_of')::date from dataset_info where key = 'seed'")
    await db.execute(
        """update insurance_cards set residence_area = case when residence_area = 'K1' then 'K2' else 'K1' end
           where id = (select min(k.id) from insurance_cards k join people p on p.id = k.person_id
                       where k.valid_from <= $1 and k.valid_to >= $1 and p.ward_code = (
                           select p2.ward_code from insurance_cards k2 join people p2 on p2.id = k2.person_id
                           where k2.valid_from <= $1 and k2.valid_to >= $1 group by p2.ward_code
                           having count(*) >= 2 order by p2.ward_code limit 1))""",
        as_of)


async def _overlapping_cards(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_card(db, person, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31))
    await add_card(db, person, valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2027, 5, 31))


async def _employee_without_card(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_period(db, person.id, "BHYT", _ym(month, -2), _ym(month, 0))


async def _years_of_work_without_a_card(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db)
    await add_period(db, person.id, "BHYT", "2016-01", "2016-12")


async def _a_child_without_a_card(db: asyncpg.Connection, month: dt.date) -> None:
    await make_person(db, date_of_birth=month - dt.timedelta(days=400))


async def _a_rate_the_years_do_not_earn(db: asyncpg.Connection, month: dt.date) -> None:
    person = await make_person(db, date_of_birth=dt.date(1960, 1, 1))
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")
    # A woman (the factory's person) retiring in 2020 with 25 years counted: 45% for 15 years, +2% for each of the
    # 10 more = 65%, not the 59% a man would have earned then (45% for 18 years).
    await db.execute(
        """insert into pensions (person_id, decision_number, start_month, months_counted, replacement_rate,
                                 average_salary, initial_monthly_amount, paying_agency_id)
           values ($1, '1234/QĐ-BHXH', date '2020-02-01', 300, 59, 6000000, 3540000, $2)""",
        person.id, agency)


async def _a_tax_code_with_a_wrong_check_digit(db: asyncpg.Connection, month: dt.date) -> None:
    # 0100233488 is valid (python-stdnum's example); 0100233480 is not.
    await db.execute("update employers set tax_code = left(tax_code, 9) || ((right(tax_code, 1)::int + 1) % 10) "
                     "where id = (select min(id) from employers)")


PLANTS: dict[str, Plant] = {
    "arrears_mix_due_and_not_due": _arrears_with_the_current_month,
    "unpaid_not_due_without_arrears": _current_month_alone_unpaid,
    "salary_outside_era": _millions_in_1986,
    "company_before_its_law": _limited_company_in_1989,
    "job_title_fits_employer": _teacher_at_an_enterprise,
    "tax_code_prefix": _tax_code_of_another_province,
    "pension_decisions": _two_pension_decisions,
    "pension_before_retirement_age": _pension_at_36,
    "pension_while_employed": _pension_while_employed,
    "five_years_without_coverage": _five_years_without_coverage,
    "five_years_missing": _five_covered_years_without_the_date,
    "residence_area_by_ward": _a_neighbour_in_another_area,
    "cards_overlapping": _overlapping_cards,
    "employee_without_current_card": _employee_without_card,
    "cards_missing_while_employed": _years_of_work_without_a_card,
    "cards_missing_for_child": _a_child_without_a_card,
    "pension_rate_by_years": _a_rate_the_years_do_not_earn,
    "tax_code_check_digit": _a_tax_code_with_a_wrong_check_digit,
}


def test_every_rule_has_a_planted_violation() -> None:
    assert set(PLANTS) == {name for name, _, _ in CHECKS}


@pytest.mark.parametrize("name", list(PLANTS))
async def test_a_planted_violation_is_counted_once(db: asyncpg.Connection, name: str) -> None:
    before = await _count(db, name)

    await PLANTS[name](db, await _month(db))

    assert (before, await _count(db, name)) == (0, 1)


async def test_seed_check_prints_the_report_and_exits_1_on_a_violation(
    db: asyncpg.Connection, db_dsn: str, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _check(db_dsn, settings) == 0
    capsys.readouterr()

    await _tax_code_of_another_province(db, await _month(db))

    assert await _check(db_dsn, settings) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "1  life.tax_code_prefix" in next(line for line in lines if "tax_code_prefix" in line)
    # Each rule is printed once with its module's name: visits.card_valid_that_day, not visits.visits.….
    assert "0  visits.card_valid_that_day" in next(line for line in lines if "card_valid_that_day" in line)
    assert not [line for line in lines if ".visits." in line or ".benefits." in line]
    assert lines[-1].endswith(" rules, 1 with violations, 1 violations")
