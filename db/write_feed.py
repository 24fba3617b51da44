"""The writes of every process, as they are committed: what read-your-writes needs when a client's next request
reaches another process than its write (docs/replicas.md).

After a mutation, `note` reads the primary's WAL insert position and NOTIFYs channel `vssid_writes` with "writer
position" in the same statement; every process LISTENs on one connection of its own to the primary and remembers the
position for that writer, as the process that made the write does. A notification arrives within milliseconds of the
commit: a client's next request, which has to wait for the answer first, almost always comes later. The connection is
opened by the replica monitor and opened again by it after it is lost (writes notified meanwhile are not replayed:
they are bounded by the replica lag anyway).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

import asyncpg

from db.pool import CONNECT_TIMEOUT_SECONDS

log = logging.getLogger(__name__)

CHANNEL = "vssid_writes"
# The position includes the writer's commit: the insert position is at or past the end of its commit record.
NOTE = f"select pg_notify('{CHANNEL}', $1 || ' ' || p::text), p::text from pg_current_wal_insert_lsn() p"


async def note(conn: asyncpg.Connection, writer: str) -> str:
    """Tell every process that `writer` wrote; the primary's position, which includes the write."""
    row = await conn.fetchrow(NOTE, writer)
    assert row is not None
    position: str = row[1]
    return position


class WriteFeed:
    """One LISTEN connection of this process to the primary; `on_write(writer, position)` for each write noted."""

    def __init__(self, dsn: str, on_write: Callable[[str, str], None]) -> None:
        self.dsn = dsn
        self.on_write = on_write
        self._conn: asyncpg.Connection | None = None

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def ensure_listening(self) -> None:
        """Connect and LISTEN unless already listening; raises when the primary cannot be reached."""
        if self.listening:
            return
        conn = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_SECONDS)
        await conn.add_listener(CHANNEL, self._notified)
        self._conn = conn

    def _notified(self, conn: object, pid: int, channel: str, payload: str) -> None:
        writer, _, position = payload.rpartition(" ")
        if writer and "/" in position:
            self.on_write(writer, position)

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a connection that is already gone
                await self._conn.close()
            self._conn = None
