"""SQL for partners and their API keys (stored as hashes, named by a short prefix)."""

from __future__ import annotations

import asyncpg

UPSERT_PARTNER = """
insert into partners (name) values ($1)
on conflict (name) do update set name = excluded.name
returning id
"""
INSERT_KEY = "insert into api_keys (partner_id, prefix, key_hash, scopes) values ($1, $2, $3, $4::text[]) returning id"
REVOKE_KEY = """
update api_keys set revoked_at = now() where prefix = $1 and revoked_at is null
returning id, partner_id
"""


async def upsert_partner(conn: asyncpg.Connection, name: str) -> int:
    partner_id: int = await conn.fetchval(UPSERT_PARTNER, name)
    return partner_id


async def insert_key(conn: asyncpg.Connection, partner_id: int, prefix: str, key_hash: bytes, scopes: list[str]) -> int:
    key_id: int = await conn.fetchval(INSERT_KEY, partner_id, prefix, key_hash, scopes)
    return key_id


async def revoke_key(conn: asyncpg.Connection, prefix: str) -> asyncpg.Record | None:
    return await conn.fetchrow(REVOKE_KEY, prefix)
