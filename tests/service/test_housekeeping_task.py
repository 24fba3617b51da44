"""The service runs housekeeping by itself, on its interval, and stops it with the app."""

from __future__ import annotations

import asyncio

import asyncpg

from core.settings import load_settings
from tests.clients import app_client

EXPIRED_SESSION = """
insert into sessions
    (person_id, family_id, access_token_hash, refresh_token_hash, access_expires_at, refresh_expires_at)
select person_id, gen_random_uuid(), '\\x01', '\\x02', now() - interval '3 days', now() - interval '2 days'
from accounts order by person_id limit 1
returning id
"""


async def test_the_app_purges_expired_sessions_on_its_interval(db: asyncpg.Connection, db_dsn: str) -> None:
    session = await db.fetchval(EXPIRED_SESSION)
    settings = load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MAX": "2", "VSSID_HOUSEKEEPING_SECONDS": "1"})
    async with app_client(settings, db_dsn):
        assert await db.fetchval("select count(*) from sessions where id = $1", session) == 1  # not at start
        for _ in range(100):
            if await db.fetchval("select count(*) from sessions where id = $1", session) == 0:
                break
            await asyncio.sleep(0.1)
    assert await db.fetchval("select count(*) from sessions where id = $1", session) == 0


async def test_housekeeping_can_be_turned_off(db: asyncpg.Connection, db_dsn: str) -> None:
    session = await db.fetchval(EXPIRED_SESSION)
    settings = load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MAX": "2", "VSSID_HOUSEKEEPING_SECONDS": "0"})
    async with app_client(settings, db_dsn):
        await asyncio.sleep(1.5)
    assert await db.fetchval("select count(*) from sessions where id = $1", session) == 1
