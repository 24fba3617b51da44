"""The Starlette application: the pool in the lifespan, /graphql, /healthz and /readyz."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db.migrate import MigrationError, pending_migrations
from db.pool import create_pool
from service.graphql import GraphQLApp
from service.notifications import start_dispatcher
from service.settings import Settings

READY_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            async with pool.acquire() as conn:
                pending = await pending_migrations(conn)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return JSONResponse({"status": "unavailable", "reason": "database unreachable"}, status_code=503)
    except MigrationError:
        return JSONResponse({"status": "unavailable", "reason": "migrations do not match"}, status_code=503)
    if pending:
        body = {"status": "unavailable", "reason": "migrations pending", "pending": pending}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready"})


def create_app(settings: Settings, dsn: str, *, pool: asyncpg.Pool | None = None) -> Starlette:
    """Build the app; it opens its own pool on `dsn` in the lifespan unless one is handed in (tests)."""
    from schema.root import schema

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own_pool = pool is None
        app.state.pool = await create_pool(dsn, settings) if own_pool else pool
        dispatcher = start_dispatcher(app.state.pool, settings)
        try:
            yield
        finally:
            await dispatcher.stop()
            if own_pool:
                await app.state.pool.close()

    graphql_app = GraphQLApp(schema, settings)
    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
