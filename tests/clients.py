"""The whole app in-process: its lifespan, and httpx clients talking to it over ASGI from a chosen client address.

`app_client` is the one way tests build the app; with a `StatementLog` its pool logs every statement it sends.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import asyncpg
import httpx
from starlette.applications import Starlette

from core.settings import Settings
from db.pool import SERVER_SETTINGS
from service.app import create_app

# The address the fixtures' clients call from (TEST-NET-3); audit events and throttle keys carry it.
ADDRESS = "203.0.113.7"
# asyncpg's own traffic: type introspection on a connection's first use of a type, and the reset on release.
DRIVER_STATEMENTS = ("pg_catalog.", "set_config('jit'", "current_setting('jit')", "pg_advisory_unlock_all()")

_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address no other client of this test run has used (198.18.0.0/15, the benchmarking range), so
    per-address counters (directory rate limit, look-up throttle) start at zero for whoever uses it."""
    n = next(_addresses)
    return f"198.{18 + (n >> 16 & 1)}.{n >> 8 & 255}.{n & 255}"


@dataclass
class StatementLog:
    """The application's statements, with the server process (so the connection) that ran each: what our code
    sends, not what the driver adds around it."""

    entries: list[tuple[int, str]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def statements(self) -> list[str]:
        return [text for _, text in self.entries]

    def clear(self) -> None:
        self.entries.clear()

    def logger(self, conn: asyncpg.Connection) -> Callable[[object], None]:
        pid = conn.get_server_pid()

        def record(query: object) -> None:
            text = getattr(query, "query", "")
            if not any(marker in text for marker in DRIVER_STATEMENTS):
                self.entries.append((pid, text))
                self._arrived.set()

        return record

    async def attach(self, conn: asyncpg.Connection) -> None:
        """A pool's `init`: log what this connection sends."""
        conn.add_query_logger(self.logger(conn))

    async def wait_for(self, wanted: Callable[[str], bool], seconds: float = 10.0) -> None:
        """Until a statement that `wanted` accepts has run (each wait for the next statement at most `seconds`)."""
        while not any(wanted(text) for text in self.statements):
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), seconds)


@dataclass
class AppClient:
    http: httpx.AsyncClient
    app: Starlette
    # What the app's pool sent: empty unless app_client() was given a log.
    log: StatementLog

    @property
    def pool(self) -> asyncpg.Pool:
        """The asyncpg pool inside the app's Database."""
        pool: asyncpg.Pool = self.app.state.database.pool
        return pool


def asgi_client(app: Starlette, address: str = ADDRESS) -> httpx.AsyncClient:
    """A client of `app` (whose lifespan the caller runs) calling from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    # English, the language the tests were written in (the service's default is Vietnamese: tests/service/
    # test_language.py asks without the header).
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"})


@asynccontextmanager
async def app_client(
    settings: Settings, dsn: str, *, address: str = ADDRESS, log: StatementLog | None = None
) -> AsyncIterator[AppClient]:
    """The app on `dsn`, lifespan running, and a client of it. With `log`, the app's pool (sized by `settings`) is
    one whose connections log each statement they send."""
    pool = None
    if log is not None:
        pool = await asyncpg.create_pool(
            dsn,
            min_size=settings.pool_min_size,
            max_size=settings.pool_max_size,
            init=log.attach,
            server_settings=SERVER_SETTINGS,
        )
    try:
        app = create_app(settings, dsn, pool=pool)
        async with app.router.lifespan_context(app), asgi_client(app, address) as http:
            yield AppClient(http, app, log if log is not None else StatementLog())
    finally:
        if pool is not None:
            await pool.close()
