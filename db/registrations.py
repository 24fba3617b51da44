"""SQL for registrations (đăng ký giao dịch điện tử): submitted online, decided by the chosen agency."""

from __future__ import annotations

import datetime as dt

import asyncpg

from db.statements import fetch_one

COLUMNS = """
r.id, r.person_id, r.agency_id, r.phone, r.email, r.status, r.submitted_at, r.decided_at, r.rejection_reason,
p.full_name, p.social_insurance_code
"""
PERSON_BY_CODE = """
select id, social_insurance_code, national_id, full_name, date_of_birth from people where social_insurance_code = $1
"""
AGENCY_BY_CODE = "select id from facilities where code = $1 and kind = 'SOCIAL_INSURANCE_AGENCY'"
HAS_PENDING = "select exists (select 1 from registrations where person_id = $1 and status = 'PENDING')"
INSERT = f"""
with r as (
    insert into registrations (person_id, agency_id, phone, email) values ($1, $2, $3, $4)
    returning *
)
select {COLUMNS} from r join people p on p.id = r.person_id
"""
# Only a registration at the officer's own agency: another agency's is indistinguishable from none.
FOR_DECISION = f"""
select {COLUMNS} from registrations r join people p on p.id = r.person_id
where r.id = $1 and r.agency_id = $2
for update of r
"""
DECIDE = f"""
with r as (
    update registrations set status = $2, decided_at = now(), decided_by = $3, rejection_reason = $4
    where id = $1
    returning *
)
select {COLUMNS} from r join people p on p.id = r.person_id
"""
LIST_BY_AGENCY = f"""
select {COLUMNS} from registrations r join people p on p.id = r.person_id
where r.agency_id = $1 and r.status = $2 and ($3::timestamptz is null or (r.submitted_at, r.id) > ($3, $4))
order by r.submitted_at, r.id
limit $5
"""
COUNT_BY_AGENCY = "select count(*) from registrations where agency_id = $1 and status = $2"


async def person_by_code(conn: asyncpg.Connection, social_insurance_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(PERSON_BY_CODE, social_insurance_code)


async def agency_id_by_code(conn: asyncpg.Connection, code: str) -> int | None:
    agency_id: int | None = await conn.fetchval(AGENCY_BY_CODE, code)
    return agency_id


async def has_pending(conn: asyncpg.Connection, person_id: int) -> bool:
    return bool(await conn.fetchval(HAS_PENDING, person_id))


async def insert_registration(
    conn: asyncpg.Connection, person_id: int, agency_id: int, phone: str, email: str | None
) -> asyncpg.Record:
    return await fetch_one(conn, INSERT, person_id, agency_id, phone, email)


async def registration_for_decision(
    conn: asyncpg.Connection, registration_id: int, agency_id: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(FOR_DECISION, registration_id, agency_id)


async def decide(
    conn: asyncpg.Connection, registration_id: int, status: str, officer_id: int, reason: str | None
) -> asyncpg.Record:
    return await fetch_one(conn, DECIDE, registration_id, status, officer_id, reason)


async def list_by_agency(
    conn: asyncpg.Connection, agency_id: int, status: str, after: tuple[dt.datetime, int] | None, limit: int
) -> list[asyncpg.Record]:
    submitted_at, last_id = after if after else (None, None)
    return await conn.fetch(LIST_BY_AGENCY, agency_id, status, submitted_at, last_id, limit)


async def count_by_agency(conn: asyncpg.Connection, agency_id: int, status: str) -> int:
    count: int = await conn.fetchval(COUNT_BY_AGENCY, agency_id, status)
    return count
