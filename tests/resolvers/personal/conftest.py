"""Fixtures for the personal graph: an app whose pool counts every SQL statement it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import httpx
import pytest

from core.settings import Settings
from db.pool import SERVER_SETTINGS
from service.app import create_app

# asyncpg's own traffic: type introspection on a connection's first use of a type, and the reset on release.
DRIVER_STATEMENTS = ("pg_catalog.", "set_config('jit'", "SELECT pg_advisory_unlock_all()")


@dataclass
class StatementLog:
    """The application's statements: what our code sends, not what the driver adds around it."""

    statements: list[str] = field(default_factory=list)

    def record(self, query: object) -> None:
        text = getattr(query, "query", "")
        if not any(marker in text for marker in DRIVER_STATEMENTS):
            self.statements.append(text)

    def clear(self) -> None:
        self.statements.clear()


@dataclass
class CountingClient:
    http: httpx.AsyncClient
    log: StatementLog


@pytest.fixture
async def counting(settings: Settings, db_dsn: str) -> AsyncIterator[CountingClient]:
    """The whole app over ASGI, on a pool whose connections log each statement they send."""
    log = StatementLog()

    async def init(conn: asyncpg.Connection) -> None:
        conn.add_query_logger(log.record)

    pool = await asyncpg.create_pool(db_dsn, min_size=1, max_size=4, init=init, server_settings=SERVER_SETTINGS)
    try:
        app = create_app(settings, db_dsn, pool=pool)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield CountingClient(http=http, log=log)
    finally:
        await pool.close()
