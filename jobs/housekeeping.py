"""The housekeeping task: every `housekeeping_seconds`, one process at a time runs `db.housekeeping.purge`.

Each run also makes this year's and next year's partitions of the visit history if they are missing
(jobs/partitions.py). The first run comes one interval after start, so a fresh process (or a test reading the
outbox) sees its data as written. A failed run is logged and retried at the next interval; it never stops the service.
"""

from __future__ import annotations

import logging

from core.settings import Settings
from db.housekeeping import purge
from db.pool import ConnectionSource
from jobs.notifications import MAX_ATTEMPTS
from jobs.partitions import ensure_ahead
from jobs.periodic import DATABASE_ERRORS, PeriodicJob

log = logging.getLogger("vssid.housekeeping")

# Delivered and dead messages are kept this long (their bodies are blanked at the first run after delivery).
OUTBOX_KEEP_DAYS = 7


class Housekeeping(PeriodicJob):
    name = "housekeeping"

    def __init__(self, database: ConnectionSource, interval_seconds: float) -> None:
        super().__init__(interval_seconds)
        self.database = database

    async def run_once(self) -> None:
        try:
            async with self.database.acquire() as conn:
                report = await purge(conn, outbox_keep_days=OUTBOX_KEEP_DAYS, outbox_max_attempts=MAX_ATTEMPTS)
                made = await ensure_ahead(conn)
        except DATABASE_ERRORS as exc:
            log.warning("housekeeping failed: %s", exc)
            return
        if made:
            log.info("housekeeping: made the visit partitions of %s", ", ".join(map(str, made)))
        if report is not None:
            log.info(
                "housekeeping: %d sessions, %d OTP challenges, %d throttle counters, %d outbox messages deleted; "
                "%d delivered bodies blanked",
                report.sessions, report.otp_challenges, report.throttle_counters, report.outbox_deleted,
                report.outbox_redacted,
            )


def start_housekeeping(database: ConnectionSource, settings: Settings) -> Housekeeping:
    task = Housekeeping(database, settings.housekeeping_seconds)
    if settings.housekeeping_seconds > 0:
        task.start()
    return task
