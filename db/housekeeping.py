"""Housekeeping: delete what has served its purpose, and blank secrets that no longer need to be kept.

Run periodically by one process at a time (`purge` takes a transaction-scoped advisory lock and returns `None` when
another process holds it). Every rule keeps rows for a margin after they stop mattering, so a purge never changes
the outcome of a check that could still happen:

- sessions: a day after their refresh token expired (a rotated or revoked one is useless by then as well, and
  reuse detection only matters while the refresh token could still be accepted);
- OTP challenges: a day after they expired (the resend and hourly limits are counted in `throttle_counters`);
- throttle counters: two days after their window started (the longest window is a day) and once no block is in
  force;
- the notification outbox: the body of a delivered message (an OTP, a temporary password) is blanked at once, and
  delivered or dead (out of attempts) messages are deleted after `outbox_keep_days`.

The access log and the audit events are records the person and the agency rely on: they are never purged here.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

# pg_try_advisory_xact_lock key: "vssid housekeeping".
LOCK_KEY = 0x7653_4944_484B

REDACTED_BODY = "[delivered; content removed]"

PURGE_SESSIONS = "delete from sessions where refresh_expires_at < now() - interval '1 day'"
PURGE_OTP = "delete from otp_challenges where expires_at < now() - interval '1 day'"
PURGE_THROTTLE = """
delete from throttle_counters
where window_started_at < now() - interval '2 days' and (blocked_until is null or blocked_until < now())
"""
REDACT_DELIVERED = f"""
update notification_outbox set body = '{REDACTED_BODY}'
where delivered_at is not null and body <> '{REDACTED_BODY}'
"""
PURGE_OUTBOX = """
delete from notification_outbox
where created_at < now() - make_interval(days => $1) and (delivered_at is not null or attempts >= $2)
"""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    sessions: int
    otp_challenges: int
    throttle_counters: int
    outbox_redacted: int
    outbox_deleted: int


def _count(status: str) -> int:
    # asyncpg returns the command tag, e.g. "DELETE 3" or "UPDATE 1".
    return int(status.rsplit(" ", 1)[-1])


async def purge(conn: asyncpg.Connection, *, outbox_keep_days: int, outbox_max_attempts: int) -> PurgeReport | None:
    """Run every rule in one transaction; `None` if another process is purging right now."""
    async with conn.transaction():
        if not await conn.fetchval("select pg_try_advisory_xact_lock($1)", LOCK_KEY):
            return None
        return PurgeReport(
            sessions=_count(await conn.execute(PURGE_SESSIONS)),
            otp_challenges=_count(await conn.execute(PURGE_OTP)),
            throttle_counters=_count(await conn.execute(PURGE_THROTTLE)),
            outbox_redacted=_count(await conn.execute(REDACT_DELIVERED)),
            outbox_deleted=_count(await conn.execute(PURGE_OUTBOX, outbox_keep_days, outbox_max_attempts)),
        )
