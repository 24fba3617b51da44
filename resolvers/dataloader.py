"""One loader base: per request, cached on the context, one SQL statement per batch on the request's connection."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar, cast

import asyncpg
from aiodataloader import DataLoader

from auth.viewer import Viewer
from service.metrics import observe_batch

K = TypeVar("K")
V = TypeVar("V")
L = TypeVar("L", bound="BaseLoader[Any, Any]")


class ConnectionSource(Protocol):
    """Where a batch gets its connection: the request's one connection (db.pool.RequestConnection), or a pool."""

    def acquire(self) -> AbstractAsyncContextManager[asyncpg.Connection]: ...


class BaseLoader(DataLoader[K, V]):
    """Subclasses implement `load_batch(conn, keys)` and return values in key order.

    In a request every batch runs on the request's one connection (db.pool.RequestConnection), which lends it
    to one batch at a time: loaders of different types dispatch concurrently and asyncpg refuses concurrent
    queries on one connection. The viewer is on hand so personal loaders can scope their SQL to the viewer's
    own rows (defence in depth behind the field permissions).
    """

    def __init__(self, pool: ConnectionSource, viewer: Viewer) -> None:
        super().__init__(batch_load_fn=self._observed_batch)
        self.pool = pool
        self.viewer = viewer
        # The request's loaders (set by Loaders.get), so a batch can hand what its join read to another loader.
        self.loaders: Loaders | None = None

    def prime_other(self, loader_class: type[BaseLoader[Any, Any]], key: Any, value: Any) -> None:
        """Give the request's loader of another type a value this batch read anyway: one statement fewer later."""
        if self.loaders is not None:
            self.loaders.get(loader_class).prime(key, value)

    async def _observed_batch(self, keys: Sequence[K]) -> list[V]:
        # One histogram observation per batch (the metric of batching), whatever batch_load_fn a subclass defines.
        observe_batch(type(self).__name__, len(keys))
        return await type(self).batch_load_fn(self, keys)

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.pool.acquire() as conn:
            return await self.load_batch(conn, keys)

    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError


class Loaders:
    """The request's loaders, created on first use: `info.context.loaders.get(FacilityByIdLoader)`."""

    __slots__ = ("_loaders", "pool", "viewer")

    def __init__(self, pool: ConnectionSource, viewer: Viewer) -> None:
        self.pool = pool
        self.viewer = viewer
        self._loaders: dict[type[Any], Any] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self.pool, self.viewer)
            loader.loaders = self
        return cast(L, loader)


def in_key_order(keys: Sequence[K], rows: Sequence[asyncpg.Record], key: str = "id") -> list[asyncpg.Record | None]:
    """Rows of one batch, reordered to match the keys (None where a key has no row)."""
    by_key = {row[key]: row for row in rows}
    return [by_key.get(k) for k in keys]
