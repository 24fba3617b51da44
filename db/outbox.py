"""SQL for the notification outbox: written with the change that causes a message, drained by the dispatcher."""

from __future__ import annotations

import asyncpg

# A key seen before is the same message: enqueueing it again is a no-op, so a retried change sends once.
ENQUEUE = """
insert into notification_outbox (dedupe_key, person_id, channel, recipient, subject, body)
values ($1, $2, $3, $4, $5, $6)
on conflict (dedupe_key) do nothing
"""
# Claim a batch with a lease: other dispatchers skip locked rows, and a crashed one's lease runs out.
CLAIM = """
update notification_outbox o
set attempts = o.attempts + 1, available_at = now() + make_interval(secs => $2)
where o.id in (
    select id from notification_outbox
    where delivered_at is null and available_at <= now() and attempts < $3
    order by available_at, id
    limit $1
    for update skip locked
)
returning o.id, o.dedupe_key, o.channel, o.recipient, o.subject, o.body, o.attempts
"""
MARK_DELIVERED = "update notification_outbox set delivered_at = now(), last_error = null where id = $1"
MARK_FAILED = """
update notification_outbox set last_error = $2, available_at = now() + make_interval(secs => $3) where id = $1
"""


async def enqueue(
    conn: asyncpg.Connection,
    *,
    dedupe_key: str,
    person_id: int | None,
    channel: str,
    recipient: str,
    body: str,
    subject: str | None = None,
) -> None:
    await conn.execute(ENQUEUE, dedupe_key, person_id, channel, recipient, subject, body)


async def claim(conn: asyncpg.Connection, limit: int, lease_seconds: float, max_attempts: int) -> list[asyncpg.Record]:
    return await conn.fetch(CLAIM, limit, float(lease_seconds), max_attempts)


async def mark_delivered(conn: asyncpg.Connection, message_id: int) -> None:
    await conn.execute(MARK_DELIVERED, message_id)


async def mark_failed(conn: asyncpg.Connection, message_id: int, error: str, retry_in_seconds: float) -> None:
    await conn.execute(MARK_FAILED, message_id, error[:500], float(retry_in_seconds))


BACKLOG = "select count(*) from notification_outbox where delivered_at is null"


async def backlog(conn: asyncpg.Connection) -> int:
    """Messages not yet delivered (the metrics read it at scrape)."""
    count: int = await conn.fetchval(BACKLOG)
    return count
