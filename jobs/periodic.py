"""A job every process runs every so many seconds (housekeeping, the inbox producers): one task, started and
stopped with the app's lifespan; a run that cannot reach the database logs a warning and waits for the next."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from core.errors import ServiceUnavailable

# What a run may meet when the database is away or overloaded: logged, never fatal to the process.
DATABASE_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ServiceUnavailable)


class PeriodicJob:
    name = "periodic"

    def __init__(self, interval_seconds: float) -> None:
        self.interval_seconds = interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> object:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            await self.run_once()
