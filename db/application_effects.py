"""SQL of what the kinds of application read to check and change when they take effect: cards, people, facilities.

Every card change keeps the card history readable (insurance_cards, migration 0003): a change from a day is a new
issue of the same number from that day, the issue before it ends the day before; a reissue is a new issue date.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

PERSON = """
select id, full_name, date_of_birth, address, province_code, phone, email from people where id = $1
"""
# The person's card in force on a day (not revoked); of two, the one that started last.
CARD_ON = """
select c.id, c.card_number, c.group_code, c.valid_from, c.valid_to, c.primary_facility_id, c.province_code,
       (c.issued_at at time zone 'Asia/Ho_Chi_Minh')::date as issued_on, f.code as facility_code
from insurance_cards c join facilities f on f.id = c.primary_facility_id
where c.person_id = $1 and c.revoked_at is null and c.valid_from <= $2 and c.valid_to >= $2
order by c.valid_from desc, c.id desc limit 1
"""
# The person's latest card (not revoked), whatever its dates: what a renewal continues.
LATEST_CARD = """
select id, card_number, group_code, valid_from, valid_to, primary_facility_id, province_code, residence_area,
       five_years_continuous_from, issuing_agency_id
from insurance_cards where person_id = $1 and revoked_at is null
order by valid_to desc, valid_from desc, id desc limit 1
"""
FACILITY_BY_CODE = """
select id, code, name, kind, level, province_code, accepts_initial_registration from facilities where code = $1
"""
# A change of primary-care facility from day $3: issues that start on or after it take the facility; the issue in
# force across it ends the day before, and a copy with the new facility runs from it to the old end.
CHANGE_FACILITY_LATER_ISSUES = """
update insurance_cards set primary_facility_id = $2
where person_id = $1 and revoked_at is null and valid_from >= $3
"""
CHANGE_FACILITY_SPLIT = """
with target as (
    select id, valid_to from insurance_cards
    where person_id = $1 and revoked_at is null and valid_from < $3 and valid_to >= $3
    order by valid_from desc, id desc limit 1
), old as (
    update insurance_cards c set valid_to = $3::date - 1
    from target where c.person_id = $1 and c.id = target.id
    returning c.*, target.valid_to as old_valid_to
)
insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                             valid_from, valid_to, primary_facility_id, five_years_continuous_from, residence_area,
                             issuing_agency_id, previous_card_number)
select person_id, card_number, group_code, benefit_level, coverage_percent, province_code, $3, old_valid_to, $2,
       five_years_continuous_from, residence_area, issuing_agency_id, previous_card_number
from old
returning id
"""
# Cấp lại thẻ: the same number, a new issue date; a QR code printed before it no longer matches (REVOKED).
REISSUE = """
update insurance_cards set issued_at = now()
where person_id = $1 and id = $2
returning id, (issued_at at time zone 'Asia/Ho_Chi_Minh')::date as issued_on
"""
CORRECT_PERSON = """
update people set full_name = coalesce($2, full_name), date_of_birth = coalesce($3, date_of_birth),
                  address = coalesce($4, address)
where id = $1
"""
PEOPLE_BY_ID = "select id, social_insurance_code, full_name from people where id = any($1::bigint[])"
GROUP = "select benefit_level, coverage_percent from beneficiary_groups where code = $1"
# Gia hạn thẻ BHYT hộ gia đình: a new issue of group GD from the day after the latest card ends (today, if it has
# ended), for the term paid; the number keeps the person's code and province.
INSERT_RENEWAL = """
insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                             valid_from, valid_to, primary_facility_id, five_years_continuous_from, residence_area,
                             issuing_agency_id, previous_card_number)
select c.person_id, 'GD' || $3::smallint || c.province_code || p.social_insurance_code, 'GD', $3, $4,
       c.province_code, $5, ($5::date + make_interval(months => $6))::date - 1, c.primary_facility_id,
       c.five_years_continuous_from, c.residence_area, c.issuing_agency_id,
       case when c.card_number <> 'GD' || $3::smallint || c.province_code || p.social_insurance_code
            then c.card_number end
from insurance_cards c join people p on p.id = c.person_id
where c.id = $2 and c.person_id = $1
returning id, card_number, valid_from, valid_to
"""


async def person(conn: asyncpg.Connection, person_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(PERSON, person_id)


async def card_on(conn: asyncpg.Connection, person_id: int, day: dt.date) -> asyncpg.Record | None:
    return await conn.fetchrow(CARD_ON, person_id, day)


async def latest_card(conn: asyncpg.Connection, person_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(LATEST_CARD, person_id)


async def facility_by_code(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(FACILITY_BY_CODE, code)


async def change_facility(conn: asyncpg.Connection, person_id: int, facility_id: int, from_day: dt.date) -> int:
    """Cards from `from_day` on carry the facility; how many issues changed (the split one counted once)."""
    status = await conn.execute(CHANGE_FACILITY_LATER_ISSUES, person_id, facility_id, from_day)
    split = await conn.fetch(CHANGE_FACILITY_SPLIT, person_id, facility_id, from_day)
    return int(status.split()[-1]) + len(split)


async def reissue(conn: asyncpg.Connection, person_id: int, card_id: int) -> asyncpg.Record:
    row = await conn.fetchrow(REISSUE, person_id, card_id)
    assert row is not None  # the caller found the card in this transaction
    return row


async def correct_person(
    conn: asyncpg.Connection, person_id: int, *, full_name: str | None, date_of_birth: dt.date | None,
    address: str | None,
) -> None:
    await conn.execute(CORRECT_PERSON, person_id, full_name, date_of_birth, address)


async def people_by_id(conn: asyncpg.Connection, ids: list[int]) -> list[asyncpg.Record]:
    return await conn.fetch(PEOPLE_BY_ID, ids)


async def group(conn: asyncpg.Connection, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(GROUP, code)


async def insert_renewal(
    conn: asyncpg.Connection, person_id: int, card_id: int, *, level: int, percent: int, valid_from: dt.date,
    months: int,
) -> asyncpg.Record:
    row = await conn.fetchrow(INSERT_RENEWAL, person_id, card_id, level, percent, valid_from, months)
    assert row is not None  # the caller found the card in this transaction
    return row
