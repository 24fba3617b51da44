"""The Starlette application: the pool in the lifespan, /graphql, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from auth.passwords import gate as password_gate
from auth.tokens import configure_keys
from core import texts
from core.errors import ServiceUnavailable, UnavailableReason
from core.metrics import observe_pool
from core.settings import Settings, load_settings
from db.inbox_feed import InboxFeed
from db.migrate import MigrationError, pending_migrations
from db.pool import Database, create_database
from db.replicas import open_replicas
from jobs.housekeeping import start_housekeeping
from jobs.inbox import start_inbox_producers
from jobs.notifications import start_dispatcher
from jobs.push import push_channel
from service.graphiql import asset as graphiql_asset
from service.graphiql.assets import ASSET_PREFIX
from service.graphql import Endpoint, GraphQLApp
from service.language import RequestLanguage
from service.metrics import metrics_endpoint
from service.observability import RequestObservation
from service.payments import ROUTES as PAYMENT_ROUTES
from service.schema import schema
from service.state import database_of, replicas_of

READY_TIMEOUT_SECONDS = 2.0
# The collector's first generation under load: the default 700 objects makes it run every few fields of a response.
GC_GENERATION0 = 50_000


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    database = database_of(request)
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            async with database.acquire() as conn:
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
    # A replica out of rotation leaves the service ready: its reads go to the primary.
    replicas = replicas_of(request)
    return JSONResponse({"status": "ready"} | ({"replicas": replicas.report()} if replicas is not None else {}))


class GraphQLPosts:
    """The innermost middleware: a POST to a GraphQL endpoint goes straight to its app.

    Every operation a client sends is such a POST; Starlette's exception middleware and router would only find the
    same app after two more layers and two wrappers of `send` per request. The endpoints answer their own errors
    (service/graphql.py) and read nothing the router adds to the scope. Any other request takes the router.
    """

    def __init__(self, app: ASGIApp, posts: dict[str, ASGIApp]) -> None:
        self.app = app
        self.posts = posts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            endpoint = self.posts.get(scope["path"])
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings, dsn: str, *, pool: asyncpg.Pool | None = None) -> Starlette:
    """Build the app; it opens its own pool on `dsn` in the lifespan unless one is handed in (tests)."""
    configure_keys(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        password_gate.configure(settings.password_workers, settings.password_queue)
        if pool is None:
            database = await create_database(dsn, settings)
        else:
            database = Database(pool, settings.db_acquire_timeout_ms / 1000)
        observe_pool(database.pool)
        # Background work speaks to operators, in English: its tasks keep the language they start with.
        english = texts.use(texts.Language.EN)
        dispatcher = start_dispatcher(database, settings, {"PUSH": push_channel(database, settings)})
        housekeeping = start_housekeeping(database, settings)
        inbox_producers = start_inbox_producers(database, settings)
        texts.reset(english)
        app.state.database = database
        app.state.replicas = replicas = await open_replicas(database, settings, dsn)
        app.state.inbox_feed = inbox_feed = InboxFeed(dsn)
        try:
            yield
        finally:
            if replicas is not None:
                await replicas.close(grace_seconds=settings.shutdown_timeout_seconds / 2)
            # The server has stopped taking requests and finished those in flight (uvicorn's graceful shutdown).
            await inbox_feed.close()
            await inbox_producers.stop()
            await housekeeping.stop()
            await dispatcher.stop(grace_seconds=settings.shutdown_timeout_seconds / 2)
            if pool is None:
                await database.close(grace_seconds=settings.shutdown_timeout_seconds / 2)

    graphql_app = GraphQLApp(schema, settings)
    partner_app = GraphQLApp(schema, settings, Endpoint.PARTNER)
    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),  # subscriptions (graphql-transport-ws)
        Route("/graphql/partner", partner_app, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        *PAYMENT_ROUTES,
    ]
    if not settings.is_production:  # GraphiQL's files, served with its pages (development only)
        routes.append(Route(ASSET_PREFIX + "/{name}", graphiql_asset, methods=["GET"]))
    middleware = [
        Middleware(RequestLanguage),
        Middleware(RequestObservation),
        Middleware(GraphQLPosts, posts={"/graphql": graphql_app, "/graphql/partner": partner_app}),
    ]
    if settings.trusted_proxies:
        # Outermost: everything inside sees the client the trusted proxy reports, and only a trusted proxy's word.
        middleware.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)))
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    return app


def tune_collector() -> None:
    """Once the app is built: its long-lived objects (schema, modules) leave the cyclic collector's sight, and the
    collector runs after 50,000 new objects instead of 700 (it took 12 % of a worker's CPU under load). A request's
    objects make no reference cycles (tests/service/test_collector.py): they go when it ends, so under load the
    collector runs about twice a minute, on what the worker's caches added, instead of every second on fifty
    thousand objects of finished requests (a 30 to 90 ms pause each, which was most of the p99)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GENERATION0, 20, 20)


def create_worker_app() -> Starlette:
    """The factory each worker process of `serve` calls (`serve` hands its workers DATABASE_URL)."""
    settings = load_settings()
    assert settings.database_url is not None, "serve sets DATABASE_URL for its workers"
    app = create_app(settings, settings.database_url)
    tune_collector()
    return app
