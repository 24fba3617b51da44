"""SQL of the voluntary BHXH renewal (đóng BHXH tự nguyện): the months a person has on record, and the paid months."""

from __future__ import annotations

import datetime as dt

import asyncpg

# Serialises the person's voluntary terms being written (two applications paid at once), without blocking the rows
# that refer to the person (a foreign key's check takes a key-share lock, which this does not conflict with).
LOCK_PERSON = "select id from people where id = $1 for no key update"
# The latest voluntary month on record (paid or not): a new term continues after it.
SELECT_LAST_VOLUNTARY = """
select max(to_month) from contribution_periods where person_id = $1 and scheme = 'BHXH_VOLUNTARY'
"""
# The first month from $2 to $3 in which the person is compulsorily insured (a period on record covers it).
SELECT_FIRST_COMPULSORY = """
select case when count(*) > 0 then greatest(min(from_month), $2::date) end from contribution_periods
where person_id = $1 and scheme = 'BHXH_COMPULSORY' and from_month <= $3 and to_month >= $2
"""
# One PAID period per month of the term, each with the income chosen, what was paid and what the state supported.
INSERT_MONTHS = """
insert into contribution_periods (person_id, scheme, from_month, to_month, salary_basis, status, paid_dong,
                                  state_support_dong, application_id)
select $1, 'BHXH_VOLUNTARY', month::date, month::date, $2, 'PAID', $3, $4, $5
from generate_series($6::date, $7::date, interval '1 month') as month
returning from_month
"""


async def lock_person(conn: asyncpg.Connection, person_id: int) -> None:
    await conn.execute(LOCK_PERSON, person_id)


async def last_voluntary_month(conn: asyncpg.Connection, person_id: int) -> dt.date | None:
    month: dt.date | None = await conn.fetchval(SELECT_LAST_VOLUNTARY, person_id)
    return month


async def first_compulsory_month(
    conn: asyncpg.Connection, person_id: int, first: dt.date, last: dt.date
) -> dt.date | None:
    month: dt.date | None = await conn.fetchval(SELECT_FIRST_COMPULSORY, person_id, first, last)
    return month


async def insert_months(
    conn: asyncpg.Connection, person_id: int, *, income: int, paid: int, support: int, application_id: int,
    first: dt.date, last: dt.date,
) -> int:
    """The months written (one row each)."""
    return len(await conn.fetch(INSERT_MONTHS, person_id, income, paid, support, application_id, first, last))
