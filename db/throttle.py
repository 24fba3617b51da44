"""Shared counters for throttling and rate limits: atomic in PostgreSQL, so every process sees the same count."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import asyncpg

from db.statements import fetch_one

# One statement: start a new window when the old one has passed, otherwise count this hit.
HIT = """
insert into throttle_counters as t (key, count, window_started_at)
values ($1, 1, now())
on conflict (key) do update set
    count = case when t.window_started_at <= now() - make_interval(secs => $2) then 1 else t.count + 1 end,
    window_started_at = case when t.window_started_at <= now() - make_interval(secs => $2)
                             then now() else t.window_started_at end
returning count, window_started_at + make_interval(secs => $2) as resets_at
"""
PEEK = """
select count, window_started_at + make_interval(secs => $2) as resets_at
from throttle_counters where key = $1 and window_started_at > now() - make_interval(secs => $2)
"""
RESET = "delete from throttle_counters where key = $1"


@dataclass(frozen=True, slots=True)
class Window:
    count: int
    resets_at: dt.datetime

    def retry_after(self) -> int:
        """Whole seconds until the window ends (at least 1): what a refused caller is told to wait."""
        return max(1, math.ceil((self.resets_at - dt.datetime.now(dt.UTC)).total_seconds()))


async def hit(conn: asyncpg.Connection, key: str, window_seconds: float) -> Window:
    """Count one event under `key` in a fixed window; return the count so far and when the window ends."""
    row = await fetch_one(conn, HIT, key, float(window_seconds))
    return Window(count=row["count"], resets_at=row["resets_at"])


async def peek(conn: asyncpg.Connection, key: str, window_seconds: float) -> Window | None:
    row = await conn.fetchrow(PEEK, key, float(window_seconds))
    return Window(count=row["count"], resets_at=row["resets_at"]) if row else None


async def reset(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute(RESET, key)


# Count a failure and, from the `free`-th one in the window on, block until now + base * 2^(count - free), capped.
FAIL_WITH_BACKOFF = """
insert into throttle_counters as t (key, count, window_started_at, blocked_until)
values ($1, 1, now(), case when $3 <= 1 then now() + make_interval(secs => least($5::float8, $4::float8)) end)
on conflict (key) do update set
    count = case when t.window_started_at <= now() - make_interval(secs => $2) then 1 else t.count + 1 end,
    window_started_at = case when t.window_started_at <= now() - make_interval(secs => $2)
                             then now() else t.window_started_at end,
    blocked_until = case
        when t.window_started_at <= now() - make_interval(secs => $2) then null
        when t.count + 1 >= $3
            then now() + make_interval(secs => least($5::float8, $4::float8 * power(2, t.count + 1 - $3)))
        else t.blocked_until end
returning count, blocked_until
"""


@dataclass(frozen=True, slots=True)
class Backoff:
    free: int
    base_seconds: float
    max_seconds: float
    window_seconds: float


async def fail(conn: asyncpg.Connection, key: str, backoff: Backoff) -> dt.datetime | None:
    """Count one failure under `key` atomically; return until when the key is now blocked, if it is."""
    row = await fetch_one(
        conn, FAIL_WITH_BACKOFF, key, backoff.window_seconds, backoff.free, backoff.base_seconds, backoff.max_seconds
    )
    blocked: dt.datetime | None = row["blocked_until"]
    return blocked


# Make sure every key has a row, then lock them all (in key order, so two logins cannot deadlock): attempts on the
# same keys queue here, and each sees the block the previous one's failure set.
ENSURE = """
insert into throttle_counters (key, count, window_started_at)
select unnest($1::text[]), 0, now()
on conflict (key) do nothing
"""
LOCK_BLOCKED_UNTIL = """
select key, blocked_until from throttle_counters where key = any($1::text[]) order by key for update
"""
# An attempt counted ahead turned out right: take it back, and lift a block it alone had caused.
FORGIVE = """
update throttle_counters set
    count = greatest(count - 1, 0),
    blocked_until = case when count - 1 < $2 then null else blocked_until end
where key = $1
"""


async def lock_keys(conn: asyncpg.Connection, keys: list[str]) -> dt.datetime | None:
    """Lock the counters of `keys` until the transaction ends; return the latest block still in force, if any."""
    await conn.execute(ENSURE, sorted(keys))
    rows = await conn.fetch(LOCK_BLOCKED_UNTIL, keys)
    now = dt.datetime.now(dt.UTC)
    return max((r["blocked_until"] for r in rows if r["blocked_until"] and r["blocked_until"] > now), default=None)


async def forgive(conn: asyncpg.Connection, key: str, backoff: Backoff) -> None:
    await conn.execute(FORGIVE, key, backoff.free)
