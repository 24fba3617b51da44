"""The database: asyncpg's pool wrapped as `Database`, created in the Starlette lifespan, with per-connection
settings for short OLTP queries.

Every `pool.acquire()` is bounded and fails fast: a request that finds every connection busy for the acquire
timeout, or a database that refuses or drops the connection, gets ServiceUnavailable (SERVICE_UNAVAILABLE)
instead of waiting without bound or leaking a driver error. The pool reconnects by itself on the next acquire,
so the service recovers without a restart when the database comes back.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, Protocol

import asyncpg
from asyncpg.exceptions import InternalClientError

from core.errors import ServiceUnavailable, UnavailableReason
from core.settings import Settings
from db.failures import closed, is_connection_lost, is_recovery_conflict

# Connecting never waits longer than this, even when the acquire timeout is longer.
CONNECT_TIMEOUT_SECONDS = 5.0


SERVER_SETTINGS = {
    "application_name": "vssid-api",
    # Short, index-driven statements: JIT compilation costs more than it saves.
    "jit": "off",
    # A prepared statement keeps one plan: the service's statements are keyed by a person, a code or an id, where
    # one plan fits every value, and planning afresh per call cost more than running (Home: 1.65 ms of the
    # server's time per request with PostgreSQL's own choice, 0.35 ms with this; docs/performance.md). The
    # searches, whose best plan depends on the words, ask for plans per value (db.statements.search_transaction).
    "plan_cache_mode": "force_generic_plan",
    "statement_timeout": "5000",
    "idle_in_transaction_session_timeout": "30000",
    "timezone": "Asia/Ho_Chi_Minh",
}


def server_settings(settings: Settings) -> dict[str, str]:
    return SERVER_SETTINGS | {
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "idle_in_transaction_session_timeout": str(settings.db_idle_in_transaction_timeout_ms),
    }


class ConnectionSource(Protocol):
    """Where work gets a connection: a Database, the request's one connection (RequestConnection), or a pool."""

    def acquire(self) -> AbstractAsyncContextManager[asyncpg.Connection]: ...


class Lease:
    """One `Database.acquire()`: bounded by the acquire timeout; unavailability is raised as ServiceUnavailable."""

    __slots__ = ("_conn", "_pool", "_timeout")

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool = pool
        self._timeout = timeout
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        try:
            # The bound as a deadline on this task, not asyncpg's `timeout=` (its `wait_for` runs the acquire in a
            # task of its own, one per request); asyncpg puts a holder back if the wait is cancelled.
            async with asyncio.timeout(self._timeout):
                self._conn = await self._pool.acquire()
        except TimeoutError:
            raise ServiceUnavailable(UnavailableReason.OVERLOADED) from None
        except Exception as exc:
            if is_connection_lost(exc):
                raise ServiceUnavailable(UnavailableReason.DATABASE_UNAVAILABLE) from exc
            raise
        return self._conn

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn, self._conn = self._conn, None
        lost = exc is not None and not isinstance(exc, ServiceUnavailable) and is_connection_lost(exc, conn)
        try:
            await self._pool.release(conn)
        except (asyncpg.InterfaceError, InternalClientError):
            # The connection died between the release being scheduled and run (the database stopping): asyncpg
            # has already put its holder back in the pool. Nothing is left to give back; anything else is a bug.
            if not closed(conn):
                raise
        if lost:
            raise ServiceUnavailable(UnavailableReason.DATABASE_UNAVAILABLE) from exc


class Database:
    """The service's asyncpg pool, wrapped: `acquire()` has a default timeout and reports unavailability as
    ServiceUnavailable. Created in the app's lifespan (or around a pool a test hands in)."""

    __slots__ = ("acquire_timeout", "pool")

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float = 1.0) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout

    def acquire(self) -> Lease:
        return Lease(self.pool, self.acquire_timeout)

    async def close(self, grace_seconds: float) -> None:
        """Close gracefully (waiting for released connections), or terminate what is still busy after the grace."""
        try:
            await asyncio.wait_for(self.pool.close(), grace_seconds)
        except TimeoutError:
            self.pool.terminate()


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset on release: the service keeps no session state on a pooled connection.

    Its settings are the pool's per-connection `server_settings`; its `set_config` calls and advisory locks are
    transaction-scoped; it opens no cursors outside transactions and never LISTENs. asyncpg still rolls back a
    transaction left open (before calling this). Without this, asyncpg sends `pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL` on every release: a round trip that cost PostgreSQL a third of its CPU per Home request.
    """


async def create_database(dsn: str, settings: Settings, *, min_size: int | None = None) -> Database:
    pool = asyncpg.Pool(
        dsn,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        min_size=settings.pool_min_size if min_size is None else min_size,
        max_size=settings.pool_max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        connect=None,
        setup=None,
        init=None,
        reset=_keep_session,
        loop=None,
        server_settings=server_settings(settings),
        command_timeout=settings.db_statement_timeout_ms / 1000 + 5,
        timeout=min(CONNECT_TIMEOUT_SECONDS, settings.db_acquire_timeout_ms / 1000),
    )
    try:
        await pool
    except BaseException:
        pool.terminate()
        raise
    return Database(pool, settings.db_acquire_timeout_ms / 1000)


class RequestConnection:
    """One pooled connection for the reads of one request: its loaders share it, one statement at a time.

    `acquire()` has the shape of `pool.acquire()`. The connection is taken from the pool on first use (a request
    that reads nothing takes none), lent to one user at a time (asyncpg refuses concurrent queries on one
    connection, and loaders of different types dispatch concurrently), and returned by `close()` at the end of
    the request. Once taking it failed (a full pool, a database away), every later use in the request fails the
    same way at once instead of waiting again. Transactions that write keep their own `pool.acquire()`.

    A query's reads may be routed to a read replica (`route`, before first use; db/replicas.py); what such a request
    writes goes to the primary (`writes()`), and `reroute` moves it to the primary after the replica failed.
    """

    __slots__ = ("_closed", "_conn", "_failure", "_lease", "_lock", "_pool", "primary", "replica")

    def __init__(self, database: Database) -> None:
        self._pool = self.primary = database
        self.replica: Any = None  # the db.replicas.Replica the reads are routed to, if any
        self._lock = asyncio.Lock()
        self._lease: Any = None
        self._conn: asyncpg.Connection | None = None
        self._failure: Exception | None = None
        self._closed = False

    @property
    def acquired(self) -> bool:
        return self._lease is not None

    def acquire(self) -> _RequestUse:
        return _RequestUse(self)

    def route(self, replica: Any) -> None:
        """Read on `replica` (a db.replicas.Replica) instead of the primary; only before the first use."""
        assert self._lease is None and self._failure is None, "route before the first read"
        self.replica, self._pool = replica, replica.database

    async def reroute(self) -> None:
        """Read on the primary from now on (the replica failed): the replica's connection goes back, the failure
        is forgotten. Only between uses (no statement running)."""
        await self._release()
        self.replica, self._pool, self._failure = None, self.primary, None

    def writes(self) -> ConnectionSource:
        """Where a write the request's reads cause goes: this connection on the primary, else the primary's pool."""
        return self if self.replica is None else self.primary

    async def _connection(self) -> asyncpg.Connection:
        if self._failure is not None:
            raise _again(self._failure)
        if self._conn is not None:
            return self._conn
        if self._closed:
            raise RuntimeError("the request has finished; its connection is back in the pool")
        lease = self._pool.acquire()
        try:
            conn: asyncpg.Connection = await lease.__aenter__()
        except Exception as exc:
            self._failure = exc
            raise
        self._lease, self._conn = lease, conn
        return conn

    async def close(self) -> None:
        """Give the connection back; waits for a user still running (a batch left behind by a cancelled request)."""
        self._closed = True
        if not self._lock.locked():
            await self._release()
            return
        # Someone is reading, or still waiting for the pool on the request's behalf: release after them.
        task = asyncio.create_task(self._release_when_idle())
        _RELEASING.add(task)
        task.add_done_callback(_RELEASING.discard)
        await asyncio.shield(task)

    async def _release_when_idle(self) -> None:
        async with self._lock:
            await self._release()

    async def _release(self) -> None:
        lease, self._lease, self._conn = self._lease, None, None
        if lease is not None:
            await lease.__aexit__(None, None, None)


def writer_of(source: ConnectionSource) -> ConnectionSource:
    """Where a write goes that is made on `source`: the primary, also when the request reads on a replica."""
    return source.writes() if isinstance(source, RequestConnection) else source


# Releases that outlive a cancelled request: kept referenced until they finish.
_RELEASING: set[asyncio.Task[None]] = set()


def _again(failure: Exception) -> Exception:
    return failure.again() if isinstance(failure, ServiceUnavailable) else failure


class _RequestUse:
    __slots__ = ("_owner",)

    def __init__(self, owner: RequestConnection) -> None:
        self._owner = owner

    async def __aenter__(self) -> asyncpg.Connection:
        owner = self._owner
        await owner._lock.acquire()
        try:
            return await owner._connection()
        except BaseException:
            owner._lock.release()
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        owner = self._owner
        try:
            if exc is not None and not isinstance(exc, ServiceUnavailable):
                reason = _failure_reason(owner, exc)
                if reason is not None:
                    # Every later read of the request fails the same way at once: a query read on a replica is
                    # then run again on the primary whole (service/replicas.py), not half on each.
                    unavailable = ServiceUnavailable(reason)
                    owner._failure = unavailable
                    raise unavailable from exc
        finally:
            owner._lock.release()


def _failure_reason(owner: RequestConnection, exc: BaseException) -> UnavailableReason | None:
    """Why a read's error makes the request's connection unusable, or None (the read's own error)."""
    if owner.replica is not None and is_recovery_conflict(exc):
        return UnavailableReason.REPLICA_CONFLICT  # the replica is healthy: the same read may pass on the primary
    if is_connection_lost(exc, owner._conn):
        return UnavailableReason.DATABASE_UNAVAILABLE
    return None
