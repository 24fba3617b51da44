"""Read replicas (DATABASE_REPLICA_URLS): which server a request reads from, and each replica's health.

- A query (a GraphQL `query` operation) reads on a replica in rotation, round robin; a mutation, and every write any
  request causes (the access log, audit, counters), runs on the primary (docs/replicas.md lists them).
- Read-your-writes: after a client's mutation, the primary's WAL insert position (`pg_current_wal_insert_lsn()`,
  read after the commit) is kept for that client's credential, in this process and, by the write feed
  (db/write_feed.py), in every other. Its next query reads on a replica
  known to have replayed that far, or waits up to `VSSID_REPLICA_WAIT_MS` on one for it, else reads on the primary.
- Health: every CHECK_SECONDS each replica is asked `pg_is_in_recovery()` and `pg_last_wal_replay_lsn()`. One that
  does not answer is DOWN; one behind the primary by more than `VSSID_REPLICA_MAX_LAG_MS` is LAGGING; one that is
  no longer a standby (someone promoted it) is NOT_STANDBY, logged as an error: it would accept writes the primary
  never sees. All three are out of rotation until a check finds them healthy again. The service never promotes.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections import deque
from dataclasses import dataclass

import asyncpg

from core.errors import ServiceUnavailable, UnavailableReason
from core.metrics import REPLICA_LAG_BYTES, REPLICA_LAG_SECONDS, REPLICA_UP
from core.settings import Settings
from db import write_feed
from db.dsn import describe
from db.pool import Database, create_database
from db.write_feed import WriteFeed

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.5
CHECK_TIMEOUT_SECONDS = 2.0
WAIT_POLL_SECONDS = 0.01
# Clients whose last write is remembered, at most; the oldest are dropped first (their window is short anyway).
MAX_WRITERS = 100_000

PRIMARY_POSITION = "select pg_current_wal_insert_lsn()::text"  # after a write: write_feed.NOTE
REPLICA_STATUS = "select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay"
REPLAY_POSITION = "select pg_last_wal_replay_lsn()::text"
# The primary's position is unknown (it could not be read after a write): read on the primary for the window.
UNKNOWN = -1
UNAVAILABLE_ERRORS = (ServiceUnavailable, OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def lsn(text: str | None) -> int:
    """A WAL position ('16/B374D848') as a number; none (a standby that has replayed nothing yet) is 0."""
    if not text:
        return 0
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, ServiceUnavailable) and exc.reason is UnavailableReason.OVERLOADED


class ReplicaState(enum.Enum):
    STARTING = "starting"
    HEALTHY = "healthy"
    LAGGING = "lagging"
    DOWN = "down"
    NOT_STANDBY = "not_standby"


@dataclass(slots=True)
class Replica:
    name: str
    server: str
    database: Database
    state: ReplicaState = ReplicaState.STARTING
    replay_lsn: int = 0
    lag_seconds: float = 0.0
    lag_bytes: int = 0

    @property
    def in_rotation(self) -> bool:
        return self.state is ReplicaState.HEALTHY

    def report(self) -> dict[str, object]:
        return {"name": self.name, "server": self.server, "state": self.state.value,
                "lagSeconds": round(self.lag_seconds, 3), "lagBytes": self.lag_bytes}


class ReplicaSet:
    """The replicas of one process, their monitor, and the last write of each recent writer."""

    def __init__(self, primary: Database, replicas: list[Replica], settings: Settings, dsn: str | None = None) -> None:
        self.primary = primary
        # Other processes' writes (None: this process's only).
        self.feed = WriteFeed(dsn, lambda writer, position: self._remember(writer, lsn(position))) if dsn else None
        self.replicas = replicas
        self.max_lag_seconds = settings.replica_max_lag_ms / 1000
        self.wait_seconds = settings.replica_wait_ms / 1000
        # A write is remembered while a replica in rotation may still not have replayed it.
        self.remember_seconds = self.max_lag_seconds + 2 * CHECK_SECONDS
        self._next = 0
        self._positions: deque[tuple[float, int]] = deque()  # the primary's position at each check
        self._writes: dict[str, tuple[int, float]] = {}  # writer -> (position, remembered until)
        self._monitor: asyncio.Task[None] | None = None

    # Routing.

    def choose(self, needed: int = 0) -> Replica | None:
        """The next replica in rotation (round robin) known to have replayed `needed`."""
        count = len(self.replicas)
        for step in range(count):
            replica = self.replicas[(self._next + step) % count]
            if replica.in_rotation and replica.replay_lsn >= needed:
                self._next = (self._next + step + 1) % count
                return replica
        return None

    async def for_reads(self, writer: str | None) -> Replica | None:
        """Where a query of `writer` (a credential's key, None: anonymous) reads: a replica, or None for the
        primary (none in rotation, or none has replayed the writer's last write within the wait)."""
        needed = self.needed(writer)
        if needed == UNKNOWN:
            return None
        replica = self.choose(needed)
        if replica is not None or needed == 0:
            return replica
        replica = self.choose()
        if replica is None or self.wait_seconds <= 0:
            return None
        return replica if await self._replayed(replica, needed) else None

    async def _replayed(self, replica: Replica, needed: int) -> bool:
        deadline = time.monotonic() + self.wait_seconds
        try:
            async with replica.database.acquire() as conn:
                while True:
                    replica.replay_lsn = max(replica.replay_lsn, lsn(await conn.fetchval(REPLAY_POSITION)))
                    if replica.replay_lsn >= needed:
                        return True
                    if time.monotonic() >= deadline:
                        return False
                    await asyncio.sleep(WAIT_POLL_SECONDS)
        except UNAVAILABLE_ERRORS as exc:
            if not _busy(exc):
                self.take_out(replica, ReplicaState.DOWN, exc)
            return False

    def needed(self, writer: str | None) -> int:
        if writer is None:
            return 0
        remembered = self._writes.get(writer)
        if remembered is None:
            return 0
        position, until = remembered
        if until < time.monotonic():
            del self._writes[writer]
            return 0
        return position

    async def note_write(self, writer: str | None) -> None:
        """After a mutation of `writer` committed: remember the primary's position for its next reads, here and (by
        the write feed) in every other process."""
        if writer is None:
            return
        try:
            async with self.primary.acquire() as conn:
                position = lsn(await write_feed.note(conn, writer))
        except UNAVAILABLE_ERRORS:
            position = UNKNOWN
        self._remember(writer, position)

    def _remember(self, writer: str, position: int) -> None:
        if len(self._writes) >= MAX_WRITERS:
            now = time.monotonic()
            self._writes = {k: v for k, v in self._writes.items() if v[1] >= now}
            while len(self._writes) >= MAX_WRITERS:
                del self._writes[next(iter(self._writes))]
        known = self._writes.pop(writer, None)
        if known is not None and known[1] >= time.monotonic():  # the furthest of two writes (UNKNOWN wins)
            position = UNKNOWN if UNKNOWN in (position, known[0]) else max(position, known[0])
        self._writes[writer] = (position, time.monotonic() + self.remember_seconds)

    def take_out(self, replica: Replica, state: ReplicaState, reason: object = None) -> None:
        if replica.state is not state:
            level = logging.ERROR if state is ReplicaState.NOT_STANDBY else logging.WARNING
            log.log(level, "replica %s is out of rotation: %s (%s)", replica.name, state.value, reason)
        replica.state = state
        REPLICA_UP.labels(replica.name).set(0)

    # Health.

    async def check(self) -> None:
        """One round of the monitor: the primary's position, then each replica's state and lag."""
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), self.primary.acquire() as conn:
                primary = lsn(await conn.fetchval(PRIMARY_POSITION))
        except UNAVAILABLE_ERRORS:
            primary = None  # the primary is away: replicas keep their state; writes fail on their own
        now = time.monotonic()
        if primary is not None:
            self._positions.append((now, primary))
            while self._positions and self._positions[0][0] < now - self.max_lag_seconds - 10 * CHECK_SECONDS:
                self._positions.popleft()
        await asyncio.gather(*(self._check(replica, primary, now) for replica in self.replicas))

    async def _check(self, replica: Replica, primary: int | None, now: float) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), replica.database.acquire() as conn:
                row = await conn.fetchrow(REPLICA_STATUS)
        except UNAVAILABLE_ERRORS as exc:
            if not _busy(exc):  # every pooled connection busy serving: the replica answers, it is loaded
                self.take_out(replica, ReplicaState.DOWN, f"{type(exc).__name__}: {exc}")
            return
        assert row is not None
        if not row["standby"]:
            self.take_out(replica, ReplicaState.NOT_STANDBY, "pg_is_in_recovery() is false: it was promoted or "
                          "is not a standby; reads stay on the primary until it is a standby of it again")
            return
        replica.replay_lsn = lsn(row["replay"])
        if primary is not None:
            replica.lag_bytes = max(0, primary - replica.replay_lsn)
            replica.lag_seconds = self._behind(replica.replay_lsn, now)
        REPLICA_LAG_SECONDS.labels(replica.name).set(replica.lag_seconds)
        REPLICA_LAG_BYTES.labels(replica.name).set(replica.lag_bytes)
        if replica.lag_seconds > self.max_lag_seconds:
            self.take_out(replica, ReplicaState.LAGGING, f"{replica.lag_seconds:.1f} s behind")
            return
        if replica.state is not ReplicaState.HEALTHY:
            log.info("replica %s is in rotation (%.3f s behind)", replica.name, replica.lag_seconds)
        replica.state = ReplicaState.HEALTHY
        REPLICA_UP.labels(replica.name).set(1)

    def _behind(self, replay: int, now: float) -> float:
        """How long ago the primary first held WAL the replica has not replayed (0: it has replayed everything the
        primary had at the last check). Measured to within CHECK_SECONDS."""
        for at, position in self._positions:
            if position > replay:
                return now - at
        return 0.0

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # the monitor outlives any one failed round
                await self.check()
                if self.feed is not None:
                    await self.feed.ensure_listening()
            await asyncio.sleep(CHECK_SECONDS)

    async def start(self) -> None:
        await self.check()  # in rotation from the first request when healthy
        if self.feed is not None:
            with contextlib.suppress(*UNAVAILABLE_ERRORS):  # the monitor connects it later
                await self.feed.ensure_listening()
        self._monitor = asyncio.create_task(self._run())

    async def close(self, grace_seconds: float) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
        if self.feed is not None:
            await self.feed.close()
        for replica in self.replicas:
            await replica.database.close(grace_seconds)

    def report(self) -> list[dict[str, object]]:
        return [replica.report() for replica in self.replicas]


async def open_replicas(primary: Database, settings: Settings, primary_dsn: str | None = None) -> ReplicaSet | None:
    """The replicas of DATABASE_REPLICA_URLS (None without any). Their pools connect on first use, so a replica
    that is down at start only starts out of rotation. With `primary_dsn`, other processes' writes are followed
    (db/write_feed.py)."""
    if not settings.replica_urls:
        return None
    replicas = []
    for number, dsn in enumerate(settings.replica_urls, start=1):
        database = await create_database(dsn, settings, min_size=0)
        replicas.append(Replica(f"replica{number}", describe(dsn), database))
    replica_set = ReplicaSet(primary, replicas, settings, primary_dsn)
    await replica_set.start()
    return replica_set
