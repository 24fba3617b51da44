"""SQL for the medical visit history (lịch sử khám chữa bệnh BHYT) and ICD-10 diagnoses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

COLUMNS = """
id, person_id, facility_id, visit_type, admitted_at, discharged_at, primary_diagnosis_code,
total_cost, insurance_paid, patient_paid
"""
# Years are calendar years in Vietnam, whatever the session's time zone.
LOCAL_YEAR = "extract(year from admitted_at at time zone 'Asia/Ho_Chi_Minh')::integer"
# `$2::integer is null or ...`: the year filter is optional; the range form keeps the index on
# (person_id, admitted_at desc, id desc) usable for both the filter and the keyset.
FILTERS = """
person_id = $1
and ($2::integer is null or (admitted_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh')
                             and admitted_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh')))
"""
SELECT_PAGE = f"""
select {COLUMNS} from medical_visits
where {FILTERS} and ($3::timestamptz is null or (admitted_at, id) < ($3, $4::bigint))
order by admitted_at desc, id desc
limit $5
"""
COUNT = f"select count(*) from medical_visits where {FILTERS}"
SELECT_BY_ID_FOR_VIEWER = f"select {COLUMNS} from medical_visits where id = any($1::bigint[]) and person_id = $2"
# Per-year totals, computed by the database rather than by loading every visit.
SELECT_YEARS_FOR_VIEWER = f"""
select person_id, {LOCAL_YEAR} as year, count(*)::integer as visits,
       sum(total_cost) as total_cost, sum(insurance_paid) as insurance_paid, sum(patient_paid) as patient_paid
from medical_visits
where person_id = any($1::bigint[]) and person_id = $2
group by person_id, year
order by person_id, year desc
"""
SELECT_DIAGNOSES_BY_CODE = "select code, name from icd10_codes where code = any($1::text[])"


async def visits_page(
    conn: asyncpg.Connection,
    person_id: int,
    *,
    year: int | None,
    after: tuple[dt.datetime, int] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest first; `after` is the (admitted_at, id) of the last row of the previous page."""
    at, last_id = after if after else (None, None)
    return await conn.fetch(SELECT_PAGE, person_id, year, at, last_id, limit)


async def count_visits(conn: asyncpg.Connection, person_id: int, *, year: int | None) -> int:
    count: int = await conn.fetchval(COUNT, person_id, year)
    return count


async def visits_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID_FOR_VIEWER, list(ids), viewer_id)


async def visit_years(conn: asyncpg.Connection, person_ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_YEARS_FOR_VIEWER, list(person_ids), viewer_id)


async def diagnoses_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_DIAGNOSES_BY_CODE, list(codes))
