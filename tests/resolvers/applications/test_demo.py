"""The demo data set holds what the README promises for issue 14: a household ready to renew, and an open window to
change the primary-care facility."""

from __future__ import annotations

import datetime as dt

import asyncpg

from db.applications import competent_agency
from seed.demo_household import DEMO_WINDOW_DAYS, HOUSEHOLD_CODES, MAI_VOLUNTARY_FROM

AS_OF = "select (value ->> 'as_of')::date from dataset_info where key = 'seed'"
CARDS = """
select p.social_insurance_code, c.group_code, c.valid_to
from insurance_cards c join people p on p.id = c.person_id
where p.social_insurance_code = any($1::text[]) and c.valid_from <= $2 and c.valid_to >= $2
order by 1
"""
GUARDED = """
select exists (select 1 from guardianships g join people m on m.id = g.guardian_id join people c on c.id = g.child_id
               where m.social_insurance_code = $1 and c.social_insurance_code = $2)
"""
RULE = "select window_days from facility_change_rules where effective_from <= $1 order by effective_from desc limit 1"


async def test_the_demo_household_is_ready_to_renew_and_the_window_is_open(shared_db: asyncpg.Connection) -> None:
    as_of: dt.date = await shared_db.fetchval(AS_OF)
    month_end = (as_of.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    cards = [tuple(row) for row in await shared_db.fetch(CARDS, list(HOUSEHOLD_CODES), as_of)]
    assert cards == [(code, "GD", month_end) for code in HOUSEHOLD_CODES]
    assert await shared_db.fetchval(GUARDED, *HOUSEHOLD_CODES)
    assert await shared_db.fetchval(RULE, as_of) == DEMO_WINDOW_DAYS


async def test_the_demo_officer_decides_the_demo_citizens_applications(shared_db: asyncpg.Connection) -> None:
    # Phạm Thị Dung works for the agency competent for An (Hà Nội) and for Mai
    officer_agency = await shared_db.fetchval(
        "select o.agency_id from agency_officers o join people p on p.id = o.person_id "
        "where p.social_insurance_code = '0190000004'"
    )
    for code in ("0190000001", HOUSEHOLD_CODES[0]):
        person_id = await shared_db.fetchval("select id from people where social_insurance_code = $1", code)
        assert await competent_agency(shared_db, person_id) == officer_agency


VOLUNTARY = """
select min(c.from_month), max(c.to_month), bool_and(c.status = 'PAID'),
       count(*) filter (where c.scheme = 'BHXH_COMPULSORY')
from contribution_periods c join people p on p.id = c.person_id
where p.social_insurance_code = $1 and c.scheme in ('BHXH_VOLUNTARY', 'BHXH_COMPULSORY')
"""


async def test_the_demo_self_employed_mother_can_pay_voluntary_bhxh_from_this_month(
    shared_db: asyncpg.Connection,
) -> None:
    # Mai paid voluntary BHXH from January 2021 through last month and was never compulsorily insured, so a voluntary
    # term she pays online starts this month
    as_of: dt.date = await shared_db.fetchval(AS_OF)
    last_month = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    row = await shared_db.fetchrow(VOLUNTARY, HOUSEHOLD_CODES[0])
    assert tuple(row) == (MAI_VOLUNTARY_FROM, last_month, True, 0)
