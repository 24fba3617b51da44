"""SQL for the family: guardians' dependants, access grants (ủy quyền xem dữ liệu) and the reads made under them.

Who may read whom is defined once, in SQL (`access_of`, `readable_person_ids`, migration 0009); the statements here
list it, change grants, and log the reads of guardians and grantees in the owner's access log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from db.persons import COLUMNS as PERSON_COLUMNS

PEOPLE = ", ".join(f"p.{column.strip()}" for column in PERSON_COLUMNS.split(","))
# The children under 18 a viewer guards, as access_of names them (so the 18th birthday ends the list too).
SELECT_DEPENDANTS = f"""
select {PEOPLE}, $2::bigint as guardian_id
from access_of($2) a join people p on p.id = a.person_id
where $2 = any($1::bigint[]) and a.grant_id is null
order by p.date_of_birth, p.id
limit 50
"""
# The owners of the viewer's live grants, each once.
SELECT_GRANTED_PERSONS = f"""
select distinct on (p.id) {PEOPLE}, $2::bigint as grantee_id
from access_of($2) a join people p on p.id = a.person_id
where $2 = any($1::bigint[]) and a.grant_id is not null
order by p.id
limit 50
"""
GRANT_COLUMNS = """
g.id, g.owner_id, g.grantee_id, g.parts, g.valid_from, g.valid_until, g.accepted_at, g.revoked_at, g.created_at,
o.social_insurance_code as owner_code, o.full_name as owner_name,
e.social_insurance_code as grantee_code, e.full_name as grantee_name,
case when g.revoked_at is not null then 'REVOKED'
     when g.valid_until <= now() then 'EXPIRED'
     when g.accepted_at is null then 'PENDING'
     else 'LIVE' end as state
"""
GRANTS_FROM = "access_grants g join people o on o.id = g.owner_id join people e on e.id = g.grantee_id"
# Given and received, newest first: only ever those the viewer is a party to.
SELECT_GRANTS_OF_PERSONS = f"""
select {GRANT_COLUMNS}, $2::bigint as party_id from {GRANTS_FROM}
where $2 = any($1::bigint[]) and (g.owner_id = $2 or g.grantee_id = $2)
order by g.created_at desc, g.id desc
limit 200
"""
SELECT_GRANTS_BY_ID = f"""
select {GRANT_COLUMNS} from {GRANTS_FROM}
where g.id = any($1::bigint[]) and (g.owner_id = $2 or g.grantee_id = $2)
"""
# A grantee must hold an active account.
SELECT_GRANTEE = """
select p.id from people p join accounts a on a.person_id = p.id
where p.social_insurance_code = $1 and a.status = 'ACTIVE'
"""
INSERT_GRANT = """
insert into access_grants (owner_id, grantee_id, parts, valid_until) values ($1, $2, $3::text[], $4) returning id
"""
# For update: accepting and revoking decide on the grant's state as it is, not as another request leaves it.
LOCK_GRANT = f"select {GRANT_COLUMNS} from {GRANTS_FROM} where g.id = $1 for update of g"
ACCEPT_GRANT = "update access_grants set accepted_at = now() where id = $1"
REVOKE_GRANT = "update access_grants set revoked_at = now(), revoked_by = $2 where id = $1"
# One entry per owner and grant (or guardianship) of a batch of reads, by the viewer ($1), with what was read.
RECORD_READS = """
insert into access_log (person_id, actor_kind, actor_name, actor_ref, purpose, data_categories, grant_id)
select r.person_id, case when r.grant_id is null then 'GUARDIAN' else 'GRANTEE' end, v.full_name, v.id::text,
       case when r.grant_id is null then 'Người giám hộ xem dữ liệu của trẻ'
            else 'Xem dữ liệu theo ủy quyền' end,
       string_to_array(r.parts, ','), r.grant_id
from unnest($2::bigint[], $3::bigint[], $4::text[]) as r(person_id, grant_id, parts)
join people v on v.id = $1
"""


async def dependants(conn: asyncpg.Connection, guardian_ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_DEPENDANTS, list(guardian_ids), viewer_id)


async def granted_persons(
    conn: asyncpg.Connection, grantee_ids: Sequence[int], *, viewer_id: int
) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_GRANTED_PERSONS, list(grantee_ids), viewer_id)


async def grants_of_persons(
    conn: asyncpg.Connection, person_ids: Sequence[int], *, viewer_id: int
) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_GRANTS_OF_PERSONS, list(person_ids), viewer_id)


async def grants_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_GRANTS_BY_ID, list(ids), viewer_id)


async def grantee_id(conn: asyncpg.Connection, social_insurance_code: str) -> int | None:
    found: int | None = await conn.fetchval(SELECT_GRANTEE, social_insurance_code)
    return found


async def insert_grant(
    conn: asyncpg.Connection, *, owner_id: int, grantee_id: int, parts: Sequence[str], valid_until: dt.datetime
) -> int:
    grant_id: int = await conn.fetchval(INSERT_GRANT, owner_id, grantee_id, list(parts), valid_until)
    return grant_id


async def lock_grant(conn: asyncpg.Connection, grant_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(LOCK_GRANT, grant_id)


async def accept_grant(conn: asyncpg.Connection, grant_id: int) -> None:
    await conn.execute(ACCEPT_GRANT, grant_id)


async def revoke_grant(conn: asyncpg.Connection, grant_id: int, by: int) -> None:
    await conn.execute(REVOKE_GRANT, grant_id, by)


async def record_reads(
    conn: asyncpg.Connection, viewer_id: int, reads: Sequence[tuple[int, int | None, Sequence[str]]]
) -> None:
    """`reads`: (owner, grant or None for guardianship, parts read); one log entry each."""
    await conn.execute(
        RECORD_READS,
        viewer_id,
        [owner for owner, _, _ in reads],
        [grant for _, grant, _ in reads],
        [",".join(parts) for _, _, parts in reads],
    )
