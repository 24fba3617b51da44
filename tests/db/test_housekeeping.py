"""Housekeeping deletes only what can no longer matter, blanks delivered secrets, and runs in one process at a time."""

from __future__ import annotations

import asyncpg

from db.housekeeping import LOCK_KEY, REDACTED_BODY, PurgeReport, purge

ANY_ACCOUNT = "select person_id from accounts order by person_id limit 1"
INSERT_SESSION = """
insert into sessions
    (person_id, family_id, access_token_hash, refresh_token_hash, access_expires_at, refresh_expires_at)
values ($1, gen_random_uuid(), $2, $3, now() + $4::text::interval, now() + $4::text::interval)
returning id
"""
INSERT_OTP = """
insert into otp_challenges (phone, purpose, code_hash, expires_at)
values ('0912345678', 'REGISTRATION', '\\x00', now() + $1::text::interval) returning id
"""
INSERT_COUNTER = """
insert into throttle_counters (key, count, window_started_at, blocked_until)
values ($1, 3, now() + $2::text::interval, now() + $3::text::interval)
"""
INSERT_MESSAGE = """
insert into notification_outbox (dedupe_key, channel, recipient, body, created_at, delivered_at, attempts)
values ($1, 'SMS', '0912345678', 'Ma OTP: 123456', now() + $2::text::interval,
        case when $3 then now() + $2::text::interval end, $4)
returning id
"""


async def _purge(db: asyncpg.Connection) -> PurgeReport | None:
    return await purge(db, outbox_keep_days=7, outbox_max_attempts=8)


async def test_sessions_go_a_day_after_their_refresh_token_expired(db: asyncpg.Connection) -> None:
    person = await db.fetchval(ANY_ACCOUNT)
    await db.execute("delete from sessions")
    old = await db.fetchval(INSERT_SESSION, person, b"a1", b"r1", "-2 days")
    recent = await db.fetchval(INSERT_SESSION, person, b"a2", b"r2", "-2 hours")
    live = await db.fetchval(INSERT_SESSION, person, b"a3", b"r3", "30 days")

    report = await _purge(db)

    assert report is not None and report.sessions == 1
    left = {r["id"] for r in await db.fetch("select id from sessions")}
    assert left == {recent, live} and old not in left


async def test_otp_challenges_go_a_day_after_they_expired(db: asyncpg.Connection) -> None:
    await db.execute("delete from otp_challenges")
    await db.fetchval(INSERT_OTP, "-25 hours")
    kept = await db.fetchval(INSERT_OTP, "-1 hour")

    report = await _purge(db)

    assert report is not None and report.otp_challenges == 1
    assert [r["id"] for r in await db.fetch("select id from otp_challenges")] == [kept]


async def test_throttle_counters_go_only_when_their_window_and_block_are_over(db: asyncpg.Connection) -> None:
    await db.execute("delete from throttle_counters")
    await db.execute(INSERT_COUNTER, "old-unblocked", "-3 days", "-3 days")
    await db.execute(INSERT_COUNTER, "old-still-blocked", "-3 days", "1 hour")
    await db.execute(INSERT_COUNTER, "current-window", "-1 hour", "-1 minute")

    report = await _purge(db)

    assert report is not None and report.throttle_counters == 1
    keys = {r["key"] for r in await db.fetch("select key from throttle_counters")}
    assert keys == {"old-still-blocked", "current-window"}


async def test_delivered_bodies_are_blanked_and_old_messages_deleted(db: asyncpg.Connection) -> None:
    await db.execute("delete from notification_outbox")
    pending = await db.fetchval(INSERT_MESSAGE, "pending", "-1 minute", False, 0)
    delivered = await db.fetchval(INSERT_MESSAGE, "delivered", "-1 minute", True, 1)
    await db.fetchval(INSERT_MESSAGE, "old-delivered", "-8 days", True, 1)
    await db.fetchval(INSERT_MESSAGE, "old-dead", "-8 days", False, 8)
    old_pending = await db.fetchval(INSERT_MESSAGE, "old-still-retrying", "-8 days", False, 3)

    report = await _purge(db)

    assert report is not None and report.outbox_deleted == 2
    bodies = {r["id"]: r["body"] for r in await db.fetch("select id, body from notification_outbox")}
    assert bodies == {pending: "Ma OTP: 123456", delivered: REDACTED_BODY, old_pending: "Ma OTP: 123456"}


async def test_a_second_process_skips_while_one_is_purging(db: asyncpg.Connection, db_dsn: str) -> None:
    other = await asyncpg.connect(db_dsn)
    try:
        async with other.transaction():
            assert await other.fetchval("select pg_try_advisory_xact_lock($1)", LOCK_KEY)
            assert await _purge(db) is None
        assert await _purge(db) is not None
    finally:
        await other.close()
