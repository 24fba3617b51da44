"""The model keeps bad data out: identifier formats, periods, amounts."""

from __future__ import annotations

import asyncpg
import pytest

INSERT_PERSON = """
insert into people (social_insurance_code, national_id, full_name, date_of_birth, gender, address, province_code)
values ($1, $2, 'Nguyễn Văn Thử', '1990-01-01', 'MALE', 'Hà Nội', (select min(code) from provinces))
returning id
"""


@pytest.mark.parametrize(
    ("code", "national_id"),
    [
        ("012345678", "001090000001"),  # 9 digits
        ("01234567890", "001090000001"),  # 11 digits
        ("01234567٨9", "001090000001"),  # an Arabic-Indic digit
        ("0123456789", "00109000001"),  # an 11-digit national ID
        ("0123456789", "00109000000A"),
    ],
)
async def test_people_refuse_malformed_identifiers(db: asyncpg.Connection, code: str, national_id: str) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await db.fetchval(INSERT_PERSON, code, national_id)


async def test_a_social_insurance_code_belongs_to_one_person(db: asyncpg.Connection) -> None:
    await db.fetchval(INSERT_PERSON, "9999999991", "999999999991")

    with pytest.raises(asyncpg.UniqueViolationError):
        await db.fetchval(INSERT_PERSON, "9999999991", "999999999992")


INSERT_CARD = """
insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                             valid_from, valid_to, primary_facility_id)
values ($1, $2, $3, $4, $5, $6, '2030-01-01', '2030-12-31', $7)
"""


@pytest.mark.parametrize(("part", "column"), [("group", "group_code"), ("level", "benefit_level"),
                                              ("province", "province_code")])
async def test_a_card_number_must_match_its_stored_group_level_and_province(
    db: asyncpg.Connection, part: str, column: str
) -> None:
    card = await db.fetchrow("select * from insurance_cards limit 1")
    assert card is not None
    number = card["card_number"]
    # the same number with one of its parts changed (still well-formed: two letters, a level 1-5, two digits)
    changed = {
        "group": ("ZZ" if number[:2] != "ZZ" else "YY") + number[2:],
        "level": number[:2] + str((card["benefit_level"] % 5) + 1) + number[3:],
        "province": number[:3] + ("00" if number[3:5] != "00" else "01") + number[5:],
    }[part]
    values = (card["person_id"], card["group_code"], card["benefit_level"], card["coverage_percent"],
              card["province_code"], card["primary_facility_id"])

    with pytest.raises(asyncpg.CheckViolationError) as refused:
        async with db.transaction():
            await db.execute(INSERT_CARD, values[0], changed, *values[1:])

    # the check that refused it is the one comparing that part of the number with its column
    definition = await db.fetchval(
        "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'insurance_cards'::regclass "
        "and conname = $1", refused.value.constraint_name,
    )
    assert column in definition and "card_number" in definition
    # and the number as it should be is accepted
    await db.execute(INSERT_CARD, values[0], number, *values[1:])


async def test_a_contribution_period_cannot_end_before_it_starts(db: asyncpg.Connection) -> None:
    person_id = await db.fetchval("select id from people limit 1")

    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute(
            """insert into contribution_periods (person_id, scheme, from_month, to_month, salary_basis, status)
               values ($1, 'BHXH_VOLUNTARY', '2024-05-01', '2024-04-01', 1500000, 'PAID')""",
            person_id,
        )


async def test_contribution_months_are_counted_inclusively(db: asyncpg.Connection) -> None:
    person_id = await db.fetchval("select id from people limit 1")

    months = await db.fetchval(
        """insert into contribution_periods (person_id, scheme, from_month, to_month, salary_basis, status)
           values ($1, 'BHXH_VOLUNTARY', '2023-11-01', '2024-02-01', 1500000, 'PAID') returning months""",
        person_id,
    )

    assert months == 4


async def test_a_visit_must_split_its_cost_exactly(db: asyncpg.Connection) -> None:
    visit = await db.fetchrow("select * from medical_visits limit 1")
    assert visit is not None

    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute(
            "update medical_visits set patient_paid = patient_paid + 1 where id = $1", visit["id"]
        )


async def test_money_cannot_be_negative(db: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("update benefits set amount = -1 where id = (select min(id) from benefits)")


async def test_search_fold_ignores_diacritics_case_and_the_letter_d(db: asyncpg.Connection) -> None:
    assert await db.fetchval("select search_fold('Bệnh viện ĐA KHOA Đà Nẵng')") == "benh vien da khoa da nang"
