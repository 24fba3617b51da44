"""The Starlette application: the pool in the lifespan, /graphql, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from auth.passwords import gate as password_gate
from db.migrate import MigrationError, pending_migrations
from db.pool import close_pool, create_pool
from service.graphql import Endpoint, GraphQLApp
from service.housekeeping import start_housekeeping
from service.metrics import metrics_endpoint, observe_pool
from service.notifications import start_dispatcher
from service.observability import RequestObservation
from service.settings import Settings
from service.unavailable import ServiceUnavailable, UnavailableReason

READY_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            async with pool.acquire() as conn:
                pending = await pending_migrations(conn)
    except ServiceUnavailable as exc:
        if exc.reason is UnavailableReason.OVERLOADED:
            # Every connection is busy serving: the database answers. Taking every busy process out of the
            # load balancer at once would turn load into an outage.
            return JSONResponse({"status": "ready", "busy": True})
        return JSONResponse({"status": "unavailable", "reason": "database unreachable"}, status_code=503)
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
        password_gate.configure(settings.password_workers, settings.password_queue)
        app.state.pool = await create_pool(dsn, settings) if own_pool else pool
        observe_pool(app.state.pool)
        dispatcher = start_dispatcher(app.state.pool, settings)
        housekeeping = start_housekeeping(app.state.pool, settings)
        try:
            yield
        finally:
            # The server has stopped taking requests and finished those in flight (uvicorn's graceful shutdown).
            await housekeeping.stop()
            await dispatcher.stop(grace_seconds=settings.shutdown_timeout_seconds / 2)
            if own_pool:
                await close_pool(app.state.pool, grace_seconds=settings.shutdown_timeout_seconds / 2)

    graphql_app = GraphQLApp(schema, settings)
    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/graphql/partner", GraphQLApp(schema, settings, Endpoint.PARTNER), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(RequestObservation)])
    app.state.settings = settings
    return app


def create_app_from_environment() -> Starlette:
    """The factory each worker process calls (`main.py serve` with several workers hands it DATABASE_URL)."""
    from service.settings import load_settings

    settings = load_settings()
    assert settings.database_url is not None, "serve sets DATABASE_URL for its workers"
    return create_app(settings, settings.database_url)
