"""The housekeeping task: every `housekeeping_seconds`, one process at a time runs `db.housekeeping.purge`.

The first run comes one interval after start, so a fresh process (or a test reading the outbox) sees its data as
written. A failed run is logged and retried at the next interval; it never stops the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from core.errors import ServiceUnavailable
from core.settings import Settings
from db.housekeeping import purge
from db.pool import ConnectionSource
from jobs.notifications import MAX_ATTEMPTS

log = logging.getLogger("vssid.housekeeping")

# Delivered and dead messages are kept this long (their bodies are blanked at the first run after delivery).
OUTBOX_KEEP_DAYS = 7


class Housekeeping:
    def __init__(self, database: ConnectionSource, interval_seconds: float) -> None:
        self.database = database
        self.interval_seconds = interval_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="housekeeping")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def run_once(self) -> None:
        try:
            async with self.database.acquire() as conn:
                report = await purge(conn, outbox_keep_days=OUTBOX_KEEP_DAYS, outbox_max_attempts=MAX_ATTEMPTS)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ServiceUnavailable) as exc:
            log.warning("housekeeping failed: %s", exc)
            return
        if report is not None:
            log.info(
                "housekeeping: %d sessions, %d OTP challenges, %d throttle counters, %d outbox messages deleted; "
                "%d delivered bodies blanked",
                report.sessions, report.otp_challenges, report.throttle_counters, report.outbox_deleted,
                report.outbox_redacted,
            )

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            await self.run_once()


def start_housekeeping(database: ConnectionSource, settings: Settings) -> Housekeeping:
    task = Housekeeping(database, settings.housekeeping_seconds)
    if settings.housekeeping_seconds > 0:
        task.start()
    return task
