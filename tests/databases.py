"""Test databases cloned from a template ahead of need, so that a test seldom waits for CREATE DATABASE."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import asyncpg

from db.dsn import with_database


class Clones:
    """Clones of `template`, made one at a time in the background while tests run (CREATE DATABASE takes 0.1 to
    0.4 s on a small machine, a test often less), at most `ahead` of them waiting; each is dropped after its test."""

    def __init__(self, admin_dsn: str, template: str, ahead: int = 2) -> None:
        self.admin_dsn = admin_dsn
        self.template = template
        self._room = asyncio.Semaphore(ahead)
        self._ready: asyncio.Queue[str] = asyncio.Queue()
        # Created, or being created, and not dropped yet: what close() drops.
        self._made: set[str] = set()
        self._maker: asyncio.Task[None] | None = None
        self._admin: asyncpg.Connection | None = None
        self._closing = False

    async def start(self) -> None:
        self._admin = await asyncpg.connect(self.admin_dsn)
        self._maker = asyncio.create_task(self._make(), name=f"clones of {self.template}")

    async def _make(self) -> None:
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            while True:
                await self._room.acquire()
                if self._closing:
                    return
                name = f"t_{uuid.uuid4().hex[:16]}"
                self._made.add(name)
                await conn.execute(f'create database "{name}" template "{self.template}" strategy file_copy')
                self._ready.put_nowait(name)
        finally:
            await conn.close()

    async def take(self) -> str:
        """The DSN of a new clone, this caller's alone."""
        assert self._maker is not None, "start() first"
        taking = asyncio.ensure_future(self._ready.get())
        await asyncio.wait({taking, self._maker}, return_when=asyncio.FIRST_COMPLETED)
        if not taking.done():
            taking.cancel()
            self._maker.result()  # raises what stopped the maker
        self._room.release()
        return with_database(self.admin_dsn, taking.result())

    async def drop(self, dsn: str) -> None:
        assert self._admin is not None, "start() first"
        name = urlsplit(dsn).path.lstrip("/")
        await self._admin.execute(f'drop database if exists "{name}" with (force)')
        self._made.discard(name)

    async def close(self) -> None:
        """Let the clone in the making finish (a cancelled CREATE DATABASE could leave one behind), drop the rest."""
        if self._maker is not None:
            self._closing = True
            self._room.release()
            await asyncio.gather(self._maker, return_exceptions=True)
        if self._admin is not None:
            for name in sorted(self._made):
                await self._admin.execute(f'drop database if exists "{name}" with (force)')
            await self._admin.close()


@asynccontextmanager
async def connection(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to `dsn`, closed on the way out."""
    conn = await asyncpg.connect(dsn)
    try:
        yield conn
    finally:
        await conn.close()


@asynccontextmanager
async def temporary_database(admin_dsn: str, template: str | None = None) -> AsyncIterator[str]:
    """The DSN of a new database (empty, or a copy of `template`), dropped on the way out."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    suffix = f' template "{template}" strategy file_copy' if template else ""
    async with connection(admin_dsn) as admin:
        await admin.execute(f'create database "{name}"{suffix}')
        try:
            yield with_database(admin_dsn, name)
        finally:
            await admin.execute(f'drop database if exists "{name}" with (force)')
