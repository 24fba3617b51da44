"""SQL for the medical visit history (lịch sử khám chữa bệnh BHYT) and ICD-10 diagnoses."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.lists import KeysetList
from db.readable import for_keys, readable_by

# Years are calendar years in Vietnam, whatever the session's time zone.
LOCAL_YEAR = "extract(year from admitted_at at time zone 'Asia/Ho_Chi_Minh')::integer"
# The year filter is optional: a null year gives the bounds -infinity and infinity. Written as two bounds on
# admitted_at (not `$n is null or ...`), so that the index on (person_id, admitted_at desc, id desc) takes them as
# its range and the yearly partitions (migration 0015) are pruned when the statement starts, also in a generic plan.
# Amounts are stored as numeric(15, 0) (whole đồng) and read as bigint: the same integers, and asyncpg decodes a
# bigint in a fraction of the time of a numeric (about 50 µs less for a page of 21 visits, a twentieth of the
# MedicalHistory request's CPU; docs/performance.md).
MONEY = (
    "total_cost::bigint as total_cost, insurance_paid::bigint as insurance_paid, "
    "patient_paid::bigint as patient_paid"
)
VISITS = KeysetList(
    "medical_visits",
    f"id, person_id, facility_id, visit_type, admitted_at, discharged_at, primary_diagnosis_code, {MONEY}",
    order="admitted_at",
    order_type="timestamptz",
    owner="person_id",
    part="VISITS",
    filter="""admitted_at >= coalesce(make_timestamptz({value}::integer, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'),
                                  '-infinity')
    and admitted_at < coalesce(make_timestamptz({value}::integer + 1, 1, 1, 0, 0, 0, 'Asia/Ho_Chi_Minh'),
                               'infinity')""",
)
# Per-year totals, computed by the database rather than by loading every visit.
SELECT_YEARS_FOR_VIEWER = f"""
select person_id, {LOCAL_YEAR} as year, count(*)::integer as visits,
       sum(total_cost)::bigint as total_cost, sum(insurance_paid)::bigint as insurance_paid,
       sum(patient_paid)::bigint as patient_paid
from medical_visits
where person_id = any($1::bigint[]) and {readable_by('person_id', '$2', 'VISITS')}
group by person_id, year
order by person_id, year desc
"""
SELECT_DIAGNOSES_BY_CODE = "select code, name from icd10_codes where code = any($1::text[])"


async def visit_years(conn: asyncpg.Connection, person_ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(for_keys(SELECT_YEARS_FOR_VIEWER, person_ids, viewer_id), list(person_ids), viewer_id)


async def diagnoses_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_DIAGNOSES_BY_CODE, list(codes))
