"""The visit history's yearly partitions: a visit lands in its year's partition (Vietnam's calendar), the years are
made ahead once, and an old year leaves the served table whole for archiving, while a recent one is refused."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from db.partitions import PartitionError, attached_years, detach_year, ensure_years
from jobs.partitions import current_year, ensure_ahead
from tests.factories import add_visits, make_person

PARTITION_OF_VISIT = "select tableoid::regclass::text from medical_visits where id = $1"
INSERT_VISIT = """
insert into medical_visits (person_id, facility_id, visit_type, admitted_at, primary_diagnosis_code, total_cost,
                            insurance_paid, patient_paid)
select $1, (select min(id) from facilities), 'OUTPATIENT', $2, (select min(code) from icd10_codes), 100000, 80000, 20000
returning id
"""


async def test_a_visit_lands_in_the_partition_of_its_year_in_vietnam(db: asyncpg.Connection) -> None:
    person = await make_person(db)
    # 31 December 2019, 23:30 in Hà Nội is 16:30 UTC: a visit of 2019, whatever the session's time zone.
    late = await db.fetchval(INSERT_VISIT, person.id, dt.datetime(2019, 12, 31, 16, 30, tzinfo=dt.UTC))
    # 1 January 2020, 00:30 in Hà Nội is still 31 December 2019 in UTC: a visit of 2020.
    early = await db.fetchval(INSERT_VISIT, person.id, dt.datetime(2019, 12, 31, 17, 30, tzinfo=dt.UTC))

    assert await db.fetchval(PARTITION_OF_VISIT, late) == "medical_visits_2019"
    assert await db.fetchval(PARTITION_OF_VISIT, early) == "medical_visits_2020"


async def test_a_visit_of_a_year_without_its_partition_is_refused(db: asyncpg.Connection) -> None:
    person = await make_person(db)
    last = max(r["year"] for r in await attached_years(db))

    with pytest.raises(asyncpg.CheckViolationError, match="no partition"):
        await db.fetchval(INSERT_VISIT, person.id, dt.datetime(last + 1, 6, 1, tzinfo=dt.UTC))


async def test_years_are_made_ahead_once(db: asyncpg.Connection) -> None:
    before = {r["year"] for r in await attached_years(db)}
    year = current_year()

    made = await ensure_ahead(db, ahead=3)
    again = await ensure_ahead(db, ahead=3)

    after = {r["year"] for r in await attached_years(db)}
    assert set(range(year, year + 4)) <= after
    assert made == sorted(set(range(year, year + 4)) - before) and again == []
    assert await ensure_years(db, 2017, 2018) == []


async def test_an_old_year_is_detached_whole_and_no_longer_served(db: asyncpg.Connection) -> None:
    person = await make_person(db)
    old = await db.fetchval(INSERT_VISIT, person.id, dt.datetime(2017, 3, 1, tzinfo=dt.UTC))
    await add_visits(db, person.id, 2)  # recent visits stay where they are
    served_before = await db.fetchval("select count(*) from medical_visits where person_id = $1", person.id)

    name = await detach_year(db, 2017, current_year=2027, keep_years=10)

    assert name == "archive_medical_visits_2017"
    assert 2017 not in {r["year"] for r in await attached_years(db)}
    assert await db.fetchval("select count(*) from medical_visits where id = $1", old) == 0
    assert await db.fetchval(f"select count(*) from {name} where id = $1", old) == 1
    assert await db.fetchval("select count(*) from medical_visits where person_id = $1", person.id) == (
        served_before - 1
    )


@pytest.mark.parametrize("year", [2020, 2016])
async def test_a_recent_or_unknown_year_is_not_detached(db: asyncpg.Connection, year: int) -> None:
    before = [r["year"] for r in await attached_years(db)]

    with pytest.raises(PartitionError):
        await detach_year(db, year, current_year=2026, keep_years=10)

    assert [r["year"] for r in await attached_years(db)] == before
