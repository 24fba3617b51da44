"""SQL for OTP challenges: one live code per phone and purpose, stored as a hash, with counted attempts."""

from __future__ import annotations

import asyncpg

from db.statements import fetch_one

# A new code supersedes any older live one for the same phone and purpose.
SUPERSEDE = """
update otp_challenges set consumed_at = now()
where phone = $1 and purpose = $2 and consumed_at is null
"""
INSERT = """
insert into otp_challenges (phone, purpose, code_hash, expires_at)
values ($1, $2, $3, now() + make_interval(secs => $4))
returning id, expires_at
"""
# The latest code for the phone and purpose, locked so parallel guesses are counted one by one.
LATEST = """
select id, code_hash, expires_at, attempts, consumed_at, expires_at <= now() as expired
from otp_challenges
where phone = $1 and purpose = $2
order by created_at desc, id desc
limit 1
for update
"""
COUNT_ATTEMPT = "update otp_challenges set attempts = attempts + 1 where id = $1 returning attempts"
CONSUME = "update otp_challenges set consumed_at = now() where id = $1"


async def create_challenge(
    conn: asyncpg.Connection, phone: str, purpose: str, code_hash: bytes, ttl_seconds: int
) -> asyncpg.Record:
    await conn.execute(SUPERSEDE, phone, purpose)
    return await fetch_one(conn, INSERT, phone, purpose, code_hash, float(ttl_seconds))


async def latest_challenge(conn: asyncpg.Connection, phone: str, purpose: str) -> asyncpg.Record | None:
    return await conn.fetchrow(LATEST, phone, purpose)


async def count_attempt(conn: asyncpg.Connection, challenge_id: int) -> int:
    attempts: int = await conn.fetchval(COUNT_ATTEMPT, challenge_id)
    return attempts


async def consume(conn: asyncpg.Connection, challenge_id: int) -> None:
    await conn.execute(CONSUME, challenge_id)
