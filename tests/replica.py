"""A real streaming standby of the test session's PostgreSQL server, and the app configured to read on it.

The standby copies the whole cluster (every test database of the session; databases cloned later arrive by WAL like
any other change). Tests pause its replay (`pg_wal_replay_pause()`) to tell its reads from the primary's: a row
changed on the primary then still reads as before on the standby.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from core.settings import Settings, load_settings
from db.replica_server import StreamingReplica, wait_until_caught_up
from tests.clients import AppClient, app_client

# The standby listens on a Unix socket in its own folder; a port of its own all the same, as a second server would.
STANDBY_PORT = 5433


def database_name(dsn: str) -> str:
    return urlsplit(dsn).path.lstrip("/")


def replica_settings(db_dsn: str, standby: StreamingReplica, **extra: str) -> Settings:
    env = {
        "DATABASE_URL": db_dsn,
        "DATABASE_REPLICA_URLS": standby.dsn(database_name(db_dsn)),
        "VSSID_DB_POOL_MIN": "1",
        "VSSID_DB_POOL_MAX": "4",
        "VSSID_NOTIFICATION_DISPATCHER": "off",
        "VSSID_HOUSEKEEPING_SECONDS": "0",
        "VSSID_INBOX_SECONDS": "0",
        **extra,
    }
    return load_settings(env)


async def ensure_streaming(standby: StreamingReplica, db_dsn: str) -> None:
    """The standby running, replaying, and caught up with everything `db_dsn`'s server wrote so far."""
    if standby.pid() is None or not await _answers(standby):
        await asyncio.to_thread(standby.start)
    await set_replay(standby, paused=False)
    await wait_until_caught_up(db_dsn, standby.dsn("postgres"))


async def _answers(standby: StreamingReplica) -> bool:
    try:
        conn = await asyncpg.connect(standby.dsn("postgres"), timeout=2)
    except (OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def set_replay(standby: StreamingReplica, *, paused: bool) -> None:
    conn = await asyncpg.connect(standby.dsn("postgres"))
    try:
        await conn.execute("select pg_wal_replay_pause()" if paused else "select pg_wal_replay_resume()")
    finally:
        await conn.close()


@asynccontextmanager
async def replay_paused(standby: StreamingReplica) -> AsyncIterator[None]:
    await set_replay(standby, paused=True)
    try:
        yield
    finally:
        await set_replay(standby, paused=False)


@asynccontextmanager
async def app_on_replica(db_dsn: str, standby: StreamingReplica, **extra: str) -> AsyncIterator[AppClient]:
    async with app_client(replica_settings(db_dsn, standby, **extra), db_dsn) as served:
        yield served


async def eventually(check: Callable[[], Awaitable[Any]], within_seconds: float = 20.0) -> Any:
    """Poll `check` until it returns something true (the replica monitor works in rounds of half a second)."""
    deadline = time.monotonic() + within_seconds
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.1)


async def replica_state(http: httpx.AsyncClient) -> str:
    body = (await http.get("/readyz")).json()
    state: str = body["replicas"][0]["state"]
    return state


def route_count(metrics_text: str, route: str) -> float:
    for line in metrics_text.splitlines():
        if line.startswith(f'vssid_db_read_routes_total{{route="{route}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
