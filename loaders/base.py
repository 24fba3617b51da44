"""One loader base: per request, cached on the context, one SQL statement per batch on the request's connection.

A loader is declared, not written: `fetch` is the db/ function of its batch, `key` the column its keys match, and
`many` says whether a key finds one row or a list. Personal loaders pass the viewer's own person id to their SQL.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar, cast

import asyncpg
from aiodataloader import DataLoader, Loader

from auth.viewer import Viewer
from core.metrics import observe_batch
from db.combined import CombinedReads
from db.pool import ConnectionSource, RequestConnection, writer_of
from loaders.shared import MISSING, SharedRows

Row = Mapping[str, Any]
L = TypeVar("L", bound="BaseLoader")


class GuessedViewerWrite(Exception):  # noqa: N818 - a refusal by design
    """A write asked for while the request's viewer is a guess still to be verified."""


class BaseLoader(DataLoader[Any, Any]):
    """Subclasses declare `fetch` (and `key`, `many`); a key without a row loads None (or [] when `many`).

    In a request every batch runs on the request's one connection (db.pool.RequestConnection), which lends it
    to one batch at a time: loaders of different types dispatch concurrently and asyncpg refuses concurrent
    queries on one connection.
    """

    fetch: ClassVar[Callable[..., Awaitable[list[asyncpg.Record]]]]
    key: ClassVar[str] = "id"
    many: ClassVar[bool] = False
    # A loader that writes (the access log) runs on the primary even when the request reads on a replica.
    writes: ClassVar[bool] = False
    # Reference rows (facilities, codes): shared by the worker's requests for a while (loaders/shared.py).
    shared: ClassVar[bool] = False

    @staticmethod
    def get_cache_key(key: Any) -> Any:
        return key

    def __init__(self, source: ConnectionSource, viewer: Viewer) -> None:
        # What DataLoader.__init__ sets, without its per-instance checks (an `inspect` of the batch function, a
        # lambda): a request makes one loader per type it reads (tests/loaders/test_shared.py compares the two).
        # `batch_load_fn` is the method below, not a bound method kept on the instance: that would be a reference
        # cycle, and a request's objects in cycles wait for the cyclic collector instead of going at once.
        self.loop = asyncio.get_running_loop()
        self._cache: dict[Any, Any] = {}
        self._queue: list[Any] = []
        self.source = source
        self.viewer = viewer
        # The request's loaders (set by Loaders.get), so a batch can hand what its join read to another loader;
        # held weakly, as the loaders hold this one.
        self._owner: weakref.ref[Loaders] | None = None

    @property
    def loaders(self) -> Loaders | None:
        return None if self._owner is None else self._owner()

    def prime_other(self, loader_class: type[BaseLoader], key: Any, value: Any) -> None:
        """Give the request's loader of another type a value this batch read anyway: one statement fewer later.
        `value` is a whole row of that loader (the columns its own statement reads), so a loader that shares its
        rows (loaders/shared.py) shares it too, unless it already has that key."""
        if self.loaders is not None:
            self.loaders.get(loader_class).prime(key, value)
            shared = self.loaders.shared
            if loader_class.shared and shared is not None and shared.entry(loader_class, key) is None:
                shared.put(loader_class, key, value)

    def do_resolve_reject(self, key: Any, future: asyncio.Future[Any]) -> None:
        """aiodataloader's queueing of a key, with the batch dispatched by a callback of the next turn of the loop:
        aiodataloader schedules a task there whose only work is to start the batch's own task (one task and one
        turn fewer per batch; the keys asked for in the same turn still make one batch)."""
        self._queue.append(Loader(key=key, future=future))
        if len(self._queue) == 1:
            if self.batch:
                self.loop.call_soon(self._dispatch)
            else:
                self._dispatch()

    def _dispatch(self) -> None:
        queue, self._queue = self._queue, []
        self.loop.create_task(self._settle_batch(queue))

    async def _settle_batch(self, queue: list[Loader]) -> None:
        """aiodataloader's `dispatch_queue_batch` for our own `batch_load_fn` (a coroutine answering a list, one
        value per key: its type checks, an `isinstance` against `typing.Iterable` per batch, are left out). An
        exception as a value rejects its key; a failed batch rejects every key and caches none of them."""
        keys = [loader.key for loader in queue]
        try:
            values = await self.batch_load_fn(keys)
            if len(values) != len(keys):
                raise TypeError(f"{type(self).__name__} answered {len(values)} values for {len(keys)} keys")
        except Exception as error:
            for loader in queue:
                self._cache.pop(self.get_cache_key(loader.key), None)
                if not loader.future.done():
                    loader.future.set_exception(error)
            return
        for loader, value in zip(queue, values, strict=True):
            if not loader.future.done():
                if isinstance(value, Exception):
                    loader.future.set_exception(value)
                else:
                    loader.future.set_result(value)

    def peek(self, key: Any) -> Any:
        """The row of `key` if this request or (a shared loader) the worker has it at hand, else MISSING."""
        loaded = self._cache.get(key) if self.cache else None
        if loaded is not None and loaded.done() and not loaded.cancelled() and loaded.exception() is None:
            return loaded.result()
        shared = self.loaders.shared if self.shared and self.loaders is not None else None
        return MISSING if shared is None else shared.get(type(self), key)

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Any]:
        shared = self.loaders.shared if self.shared and self.loaders is not None else None
        if shared is None or shared.seconds <= 0:
            return await self._batch(keys)
        kind = type(self)
        found = [shared.get(kind, key) for key in keys]
        missing = [key for key, row in zip(keys, found, strict=True) if row is MISSING]
        if not missing:
            return found
        loaded = dict(zip(missing, await self._batch(missing), strict=True))
        for key, row in loaded.items():
            shared.put(kind, key, row)
        return [loaded[key] if row is MISSING else row for key, row in zip(keys, found, strict=True)]

    async def _batch(self, keys: Sequence[Any]) -> list[Any]:
        # One histogram observation per batch (the metric of batching).
        observe_batch(type(self).__name__, len(keys))
        loaders = self.loaders
        # Nothing is written for a viewer not yet verified (service/speculation.py): its session is checked first,
        # and a viewer it does not confirm writes nothing.
        if (
            self.writes and loaders is not None and loaders.guessed
            and (loaders.verify is None or not await loaders.verify())
        ):
            raise GuessedViewerWrite
        reads = loaders.reads if loaders is not None and not self.writes else None
        if reads is not None:  # sent with the other reads of the same moment (db/combined.py)
            return self.arrange(keys, await self.rows(reads, keys))
        async with (writer_of(self.source) if self.writes else self.source).acquire() as conn:
            rows = await self.rows(conn, keys)
        return self.arrange(keys, rows)

    async def rows(self, conn: asyncpg.Connection, keys: Sequence[Any]) -> list[asyncpg.Record]:
        return await type(self).fetch(conn, keys)

    def arrange(self, keys: Sequence[Any], rows: Sequence[Row]) -> list[Any]:
        if self.many:
            grouped: dict[Any, list[Row]] = defaultdict(list)
            for row in rows:
                grouped[row[self.key]].append(row)
            return [grouped.get(k, []) for k in keys]
        return in_key_order(keys, rows, self.key)


def scoped_person_id(viewer: Viewer) -> int | None:
    """The only person whose rows personal SQL may read for this viewer; None reads nothing.

    This is the second layer behind the schema's owner check (`OwnedByViewer`): even a type declared without it
    cannot reach another person's rows, because the SQL itself is bound to the viewer.
    """
    if viewer.person_id is None or viewer.password_change_only:
        return None
    return viewer.person_id


class PersonalLoader(BaseLoader):
    """A loader of personal rows: `fetch(conn, keys, viewer_id=...)` is bound to the viewer, and an anonymous
    viewer costs no query."""

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Any]:
        if scoped_person_id(self.viewer) is None:
            return self.arrange(keys, [])
        return await super().batch_load_fn(keys)

    async def rows(self, conn: asyncpg.Connection, keys: Sequence[Any]) -> list[asyncpg.Record]:
        return await type(self).fetch(conn, keys, viewer_id=scoped_person_id(self.viewer))


class Loaders:
    """The request's loaders, created on first use: `info.context.loaders.get(FacilityByIdLoader)`; `shared`: the
    worker's reference rows (loaders/shared.py), None for none; `reads`: the request's combined reads; `guessed`:
    the viewer is a guess not verified yet (service/speculation.py), so no loader may write before `verify` (the
    guess's check: True when the session confirmed it) says it may."""

    __slots__ = ("__weakref__", "_loaders", "_ref", "guessed", "reads", "shared", "source", "verify", "viewer")

    def __init__(self, source: ConnectionSource, viewer: Viewer, shared: SharedRows | None = None) -> None:
        self.source = source
        self.viewer = viewer
        self.shared = shared
        # A request's reads (not a subscription's, not a job's) are combined when they meet (db/combined.py).
        self.reads = CombinedReads(source) if isinstance(source, RequestConnection) else None
        self.guessed = False
        self.verify: Callable[[], Awaitable[bool]] | None = None
        self._loaders: dict[type[Any], Any] = {}
        self._ref = weakref.ref(self)

    def get(self, loader_class: type[L]) -> L:
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self.source, self.viewer)
            loader._owner = self._ref
        return cast(L, loader)


def in_key_order(keys: Sequence[Any], rows: Sequence[Row], key: str = "id") -> list[Row | None]:
    """Rows of one batch, reordered to match the keys (None where a key has no row)."""
    by_key = {row[key]: row for row in rows}
    return [by_key.get(k) for k in keys]
