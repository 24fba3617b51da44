"""Candidate changes measured before anyone makes them: ASGI factories that alter one thing around the service.

    .venv/bin/python bench/run.py --only home --contenders service-uvicorn-1w,exp-no-pool-reset-1w

Nothing here changes the service's code: each factory patches a library default or wraps the app, in the bench's
own server process only. The figures are in docs/performance.md. The reset, collector and connection-per-request
changes measured here have since been applied to the service (issue 7); `create_as_before_issue7` undoes them
for a before/after pair.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
from typing import Any

import asyncpg
from starlette.applications import Starlette

from bench.service_app import create_service_app

GC_GENERATION0 = 50_000


def create_as_before_issue7() -> Starlette:
    """The service as it was before the speed work of issue 7, for a before/after pair in one run.

    Each loader batch takes its own pooled connection (asyncpg's reset query on every release), the collector
    keeps its defaults, and the beneficiary group and the province are read by statements of their own (the card
    and facility statements still carry the names they now join, unused). Run it with VSSID_DB_POOL_MAX=10, the
    default of that time.
    """
    import db.pool
    from core.settings import load_settings
    from loaders.base import BaseLoader
    from service.app import create_app

    vars(db.pool)["_keep_session"] = None  # create_pool passes reset=None: asyncpg's reset query
    setattr(db.pool.RequestConnection, "acquire", lambda self: self._pool.acquire())  # noqa: B010
    setattr(BaseLoader, "prime_other", lambda self, *args: None)  # noqa: B010
    settings = load_settings()
    assert settings.database_url is not None
    return create_app(settings, settings.database_url)


def create_with_field_permissions() -> Starlette:
    """The service with the owner check as it was before it moved to the type: a permission class on every field.

    Each field of each personal type but `id` gets an `IsOwner` permission (strawberry's PermissionExtension: an
    `Info`, argument parsing and the extension chain per field, where a plain field is an attribute read), and the
    types lose their `is_type_of` owner check. The personal types are patched before the schema is built.
    """
    from strawberry.permission import BasePermission, PermissionExtension
    from strawberry.types.base import get_object_definition
    from strawberry.types.private import is_private

    import schema.person  # noqa: F401  (imports every personal type)
    from auth.permissions import OwnedByViewer, require_owner

    class IsOwner(BasePermission):
        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            require_owner(info.context.viewer, source.person_id)
            return True

    for cls in OwnedByViewer.__subclasses__():
        definition = get_object_definition(cls, strict=True)
        definition.is_type_of = None
        for field in definition.fields:
            if field.python_name != "id" and not is_private(field.type):
                field.permission_classes = [IsOwner]
                field.extensions.append(PermissionExtension([IsOwner()], use_directives=False))
    return create_service_app()


def create_with_separate_names() -> Starlette:
    """The service with the beneficiary group and the province read by statements of their own (9 for Home, not 7)."""
    from loaders.base import BaseLoader

    setattr(BaseLoader, "prime_other", lambda self, *args: None)  # noqa: B010
    return create_service_app()


def create_without_pool_reset() -> Starlette:
    """No reset query when a connection goes back to the pool.

    asyncpg sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every release: one more
    round trip per loader batch. The service keeps no session state on pooled connections (its settings are
    per connection, its set_config calls and advisory locks are transaction-scoped), so the reset buys nothing.
    The service could pass `reset=` a no-op coroutine to its pool for the same effect.
    """
    asyncpg.Connection.get_reset_query = lambda self: ""
    return create_service_app()


def create_with_tuned_gc() -> Starlette:
    """The objects built at start-up (schema, modules) moved out of the collector's sight, and a larger first
    generation, so that the cyclic collector runs far less often under load (12 % of the samples in the profile)."""
    app = create_service_app()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GENERATION0, 20, 20)
    return app


class _RequestConnection:
    """`pool.acquire()` inside a request: the request's one connection, one user at a time."""

    def __init__(self, conn: asyncpg.Connection, lock: asyncio.Lock) -> None:
        self._conn, self._lock = conn, lock

    async def __aenter__(self) -> asyncpg.Connection:
        await self._lock.acquire()
        return self._conn

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


_CURRENT: contextvars.ContextVar[tuple[asyncpg.Connection, asyncio.Lock] | None] = contextvars.ContextVar(
    "bench_request_connection", default=None
)


class _PoolPerRequest:
    """The app's pool, except that inside a request every acquire gets that request's connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def acquire(self, *args: Any, **kwargs: Any) -> Any:
        current = _CURRENT.get()
        return self._pool.acquire(*args, **kwargs) if current is None else _RequestConnection(*current)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def create_with_one_connection_per_request() -> Any:
    """One pooled connection per GraphQL request, shared by its loader batches one after the other.

    Saves an acquire and a release (and its reset) per batch; batches that ran concurrently now wait for each other.
    """
    app = create_service_app()

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        pool = app.state.pool
        if not isinstance(pool, _PoolPerRequest):
            pool = app.state.pool = _PoolPerRequest(pool)
        async with pool._pool.acquire() as conn:
            token = _CURRENT.set((conn, asyncio.Lock()))
            try:
                await app(scope, receive, send)
            finally:
                _CURRENT.reset(token)

    return asgi


def create_with_all_three() -> Any:
    """The three changes above together: a connection per request, no reset query, the quieter collector."""
    asyncpg.Connection.get_reset_query = lambda self: ""
    app = create_with_one_connection_per_request()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GENERATION0, 20, 20)
    return app
