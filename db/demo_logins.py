"""SQL for the demo logins (seed/demo.py): whether a database holds them, and taking them out of it."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

HAS_DEMO_LOGINS = """
select exists (
    select 1 from accounts a join people p on p.id = a.person_id where p.social_insurance_code = any($1::text[])
) or exists (select 1 from api_keys where key_hash = any($2::bytea[]) and revoked_at is null)
"""
DEMO_ACCOUNTS = "select id from people where social_insurance_code = any($1::text[])"
DELETE_SESSIONS = "delete from sessions where person_id = any($1::bigint[])"
DELETE_GRANTS = "delete from access_grants where owner_id = any($1::bigint[]) or grantee_id = any($1::bigint[])"
DELETE_OFFICERS = "delete from agency_officers where person_id = any($1::bigint[])"
DELETE_ACCOUNTS = "delete from accounts where person_id = any($1::bigint[])"
REVOKE_KEY = "update api_keys set revoked_at = now() where key_hash = any($1::bytea[]) and revoked_at is null"


async def has_demo_logins(conn: asyncpg.Connection, codes: Sequence[str], key_hashes: list[bytes]) -> bool:
    return bool(await conn.fetchval(HAS_DEMO_LOGINS, list(codes), key_hashes))


async def remove_demo_logins(conn: asyncpg.Connection, codes: Sequence[str], key_hashes: list[bytes]) -> None:
    """Sessions, grants, accounts and officer links of the demo people go; the demo partner key is revoked."""
    ids = [row["id"] for row in await conn.fetch(DEMO_ACCOUNTS, list(codes))]
    for statement in (DELETE_SESSIONS, DELETE_GRANTS, DELETE_OFFICERS, DELETE_ACCOUNTS):
        await conn.execute(statement, ids)
    await conn.execute(REVOKE_KEY, key_hashes)
