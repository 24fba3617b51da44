"""One loader base: per request, cached on the context, one SQL statement per batch on its own connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

import asyncpg
from aiodataloader import DataLoader

from auth.viewer import Viewer

K = TypeVar("K")
V = TypeVar("V")
L = TypeVar("L", bound="BaseLoader[Any, Any]")


class BaseLoader(DataLoader[K, V]):
    """Subclasses implement `load_batch(conn, keys)` and return values in key order.

    Each batch acquires its own connection: loaders of different types dispatch concurrently and asyncpg
    refuses concurrent queries on one connection. The viewer is on hand so personal loaders can scope
    their SQL to the viewer's own rows (defence in depth behind the field permissions).
    """

    def __init__(self, pool: asyncpg.Pool, viewer: Viewer) -> None:
        super().__init__()
        self.pool = pool
        self.viewer = viewer

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.pool.acquire() as conn:
            return await self.load_batch(conn, keys)

    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError


class Loaders:
    """The request's loaders, created on first use: `info.context.loaders.get(FacilityByIdLoader)`."""

    __slots__ = ("_loaders", "pool", "viewer")

    def __init__(self, pool: asyncpg.Pool, viewer: Viewer) -> None:
        self.pool = pool
        self.viewer = viewer
        self._loaders: dict[type[Any], Any] = {}

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self.pool, self.viewer)
        return cast(L, loader)


def in_key_order(keys: Sequence[K], rows: Sequence[asyncpg.Record], key: str = "id") -> list[asyncpg.Record | None]:
    """Rows of one batch, reordered to match the keys (None where a key has no row)."""
    by_key = {row[key]: row for row in rows}
    return [by_key.get(k) for k in keys]
