"""SQL that resolves a request's credentials into who is asking (by any of a credential's hashes: keys rotate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from db import persons

# A live access token of the person it names (auth/tokens.py: the token carries the person id, so this is a look-up
# in one person's rows, a router query on Citus): not expired, not revoked, the account still active. `access`:
# whom else the person may read and what of them (their children under 18, their live grants; migration 0009), as
# of this request: a grant revoked or expired a moment ago is already gone from it.
# The person's own record comes with it (columns `person_<column>`, as db/persons.py reads them): `me`, which
# most documents start with, then costs no statement of its own (the request's PersonByIdLoader is primed with it).
# Its `person_id` is the person's `id` (the session's person, by the join): one column of that name, so the row can
# travel as JSON in a combined statement (db/json_rows.py).
PERSON_COLUMNS = tuple(column.strip() for column in persons.COLUMNS.split(","))
SESSION_BY_ACCESS_TOKEN = f"""
select s.id as session_id, s.password_change_only, o.agency_id,
       array(select concat_ws(':', x.person_id, coalesce(x.grant_id::text, ''), array_to_string(x.parts, ','))
             from access_of(s.person_id) x) as access,
       {", ".join(f"p.{column} as person_{column}" for column in PERSON_COLUMNS)}
from sessions s
join accounts a on a.person_id = s.person_id
join people p on p.id = s.person_id
left join agency_officers o on o.person_id = s.person_id
where s.person_id = $1 and s.access_token_hash = any($2::bytea[])
  and s.revoked_at is null and s.access_expires_at > now() and a.status = 'ACTIVE'
"""
# Key use is recorded (last_used_at and an audit event) in the same statement that checks the key.
API_KEY_BY_HASH = """
with k as (
    update api_keys k set last_used_at = now()
    from partners p
    where k.key_hash = any($1::bytea[]) and k.revoked_at is null and p.id = k.partner_id
    returning k.id as api_key_id, k.partner_id, p.name as partner_name, k.scopes, k.prefix
), used as (
    insert into audit_events (event, actor_kind, actor_ref, client_address, details)
    select 'api_key_used', 'PARTNER', k.prefix, $2::inet, jsonb_build_object('partner', k.partner_name) from k
)
select api_key_id, partner_id, partner_name, scopes from k
"""
# An unknown or revoked key: only its first characters are kept, never the whole of it.
API_KEY_REJECTED = """
insert into audit_events (event, actor_kind, client_address, details)
values ('api_key_rejected', 'ANONYMOUS', $2::inet, jsonb_build_object('prefix', $1::text))
"""


def person_of_session(row: Mapping[str, Any]) -> dict[str, Any]:
    """The session's person as db/persons.py reads a person (the same columns, by the same names)."""
    return {column: row[f"person_{column}"] for column in PERSON_COLUMNS}


async def session_by_access_token(
    conn: asyncpg.Connection, person_id: int, token_hashes: list[bytes]
) -> asyncpg.Record | None:
    return await conn.fetchrow(SESSION_BY_ACCESS_TOKEN, person_id, token_hashes)


async def api_key_by_hash(
    conn: asyncpg.Connection, key_hashes: list[bytes], client_address: str | None
) -> asyncpg.Record | None:
    return await conn.fetchrow(API_KEY_BY_HASH, key_hashes, client_address)


async def record_rejected_key(conn: asyncpg.Connection, prefix: str, client_address: str | None) -> None:
    await conn.execute(API_KEY_REJECTED, prefix, client_address)
