"""SQL for sessions: opaque tokens stored as keyed hashes (auth/tokens.py), grouped in refresh families."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

INSERT = """
insert into sessions (person_id, family_id, access_token_hash, refresh_token_hash, access_expires_at,
                      refresh_expires_at, password_change_only, client_address)
values ($1, $2, $3, $4, $5, $6, $7, $8::inet)
returning id
"""
# By the person the token names and its hashes (auth/tokens.py). Locked so two refreshes racing with one token
# cannot both rotate it: the second sees it rotated.
BY_REFRESH_TOKEN = """
select id, person_id, family_id, refresh_expires_at, rotated_at, revoked_at
from sessions where person_id = $1 and refresh_token_hash = any($2::bytea[])
for update
"""
ROTATE = """
update sessions set rotated_at = now(), revoked_at = coalesce(revoked_at, now()) where person_id = $1 and id = $2
"""
# A family is one person's (its sessions descend from one login), so naming the person changes no answer.
REVOKE_FAMILY = """
update sessions set revoked_at = now() where person_id = $1 and family_id = $2 and revoked_at is null
"""
FAMILY_OF = "select family_id from sessions where person_id = $1 and id = $2"
# After a password change: every session but the caller's own family ends.
REVOKE_OTHERS = """
update sessions set revoked_at = now()
where person_id = $1 and revoked_at is null and family_id is distinct from $2
"""
# The caller's own session, now that the password is fine, may do everything again.
UNRESTRICT_FAMILY = """
update sessions set password_change_only = false where person_id = $1 and family_id = $2 and revoked_at is null
"""


async def insert_session(
    conn: asyncpg.Connection,
    *,
    person_id: int,
    family_id: uuid.UUID,
    access_token_hash: bytes,
    refresh_token_hash: bytes,
    access_expires_at: dt.datetime,
    refresh_expires_at: dt.datetime,
    password_change_only: bool,
    client_address: str | None,
) -> int:
    session_id: int = await conn.fetchval(
        INSERT,
        person_id,
        family_id,
        access_token_hash,
        refresh_token_hash,
        access_expires_at,
        refresh_expires_at,
        password_change_only,
        client_address,
    )
    return session_id


async def session_by_refresh_token(
    conn: asyncpg.Connection, person_id: int, token_hashes: list[bytes]
) -> asyncpg.Record | None:
    return await conn.fetchrow(BY_REFRESH_TOKEN, person_id, token_hashes)


async def rotate(conn: asyncpg.Connection, person_id: int, session_id: int) -> None:
    await conn.execute(ROTATE, person_id, session_id)


async def revoke_family(conn: asyncpg.Connection, person_id: int, family_id: uuid.UUID) -> None:
    await conn.execute(REVOKE_FAMILY, person_id, family_id)


async def family_of(conn: asyncpg.Connection, person_id: int, session_id: int) -> uuid.UUID | None:
    family: uuid.UUID | None = await conn.fetchval(FAMILY_OF, person_id, session_id)
    return family


async def revoke_others(conn: asyncpg.Connection, person_id: int, keep_family: uuid.UUID | None) -> None:
    await conn.execute(REVOKE_OTHERS, person_id, keep_family)


async def unrestrict_family(conn: asyncpg.Connection, person_id: int, family_id: uuid.UUID) -> None:
    await conn.execute(UNRESTRICT_FAMILY, person_id, family_id)
