"""New inbox messages as they are committed: one LISTEN connection per process, shared by every subscription.

`inbox_messages`' trigger NOTIFYs channel `vssid_inbox` with "person_id:message_id" when a message is committed.
The feed hands each id to the queues of that person's subscribers only; a subscriber reads the message itself
(bound to its person). The connection is opened on the first subscription and opened again after it is lost
(messages committed meanwhile are not replayed: the inbox list has them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator

import asyncpg

from db.failures import CONNECTION_LOST
from db.pool import CONNECT_TIMEOUT_SECONDS

log = logging.getLogger("vssid.inbox")
CHANNEL = "vssid_inbox"
QUEUE_SIZE = 100
RECONNECT_SECONDS = 2.0


class InboxFeed:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._subscribers: dict[int, set[asyncio.Queue[int]]] = defaultdict(set)
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    async def ensure_listening(self) -> None:
        """Connect and LISTEN unless already listening; raises when the database cannot be reached."""
        async with self._lock:
            if self._closed or (self._conn is not None and not self._conn.is_closed()):
                return
            conn = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_SECONDS)
            await conn.add_listener(CHANNEL, self._notified)
            conn.add_termination_listener(self._lost)
            self._conn = conn

    @contextlib.contextmanager
    def subscribe(self, person_id: int) -> Iterator[asyncio.Queue[int]]:
        """A queue of the ids of `person_id`'s new messages, for as long as the `with` block lasts."""
        queue: asyncio.Queue[int] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[person_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[person_id].discard(queue)
            if not self._subscribers[person_id]:
                del self._subscribers[person_id]

    def _notified(self, conn: object, pid: int, channel: str, payload: str) -> None:
        person, _, message = payload.partition(":")
        if not (person.isdigit() and message.isdigit()):
            return
        for queue in self._subscribers.get(int(person), ()):
            with contextlib.suppress(asyncio.QueueFull):  # a subscriber that stopped reading misses messages
                queue.put_nowait(int(message))

    def _lost(self, conn: object) -> None:
        if not self._closed:
            log.warning("inbox feed: the LISTEN connection was lost; reconnecting")
            asyncio.get_running_loop().create_task(self._reconnect(), name="inbox-feed-reconnect")

    async def _reconnect(self) -> None:
        while not self._closed and self._subscribers:
            try:
                await self.ensure_listening()
                return
            except (*CONNECTION_LOST, asyncpg.InterfaceError) as exc:
                log.warning("inbox feed: reconnect failed: %s", exc)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        self._closed = True
        async with self._lock:
            if self._conn is not None and not self._conn.is_closed():
                await self._conn.close()
            self._conn = None
