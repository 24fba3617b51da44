"""The reads of one request sent in the same turn of the event loop, run as one statement.

The planned executor asks for a whole level at once (service/plan_run.py): the card, the contribution summary and
the page of visits of Home's second level are three loaders and a page, each with its own `conn.fetch`. Through
`CombinedReads` they are queued for a moment (a few turns of the loop, until the level's loaders have all
started), then sent together:

    select array(select q from (<the card's statement>) q),
           array(select q from (<the summary's statement>) q),
           array(select q from (<the page's statement>) q)

with each statement's parameters renumbered after the previous ones'. PostgreSQL runs them in one snapshot and one
round trip; asyncpg decodes each array of rows with their types, and each row comes back as a dict of its
statement's column names (read once per statement text with `prepare`) to its values. A statement whose columns
are all of types whose JSON form converts back exactly (db/json_rows.py: integers, text, booleans, timestamps,
dates...) is sent as `(select json_agg(q) from (<statement>) q)` instead (as its UTF-8 bytes), read by orjson in
a third of the time. One read alone goes as it is. If the combined statement fails, each read is sent again on its
own, so an error belongs to the read that caused it; a combined statement that ran out of time (statement_timeout)
fails all its reads at once instead. Reads in a transaction, and writes, never come here.

A read may also ride with the next batch (`ride`): it starts no wait of its own and goes with whatever the request
reads next, or alone when its reader asks for it first (`send_riders`). The session of a request whose viewer was
guessed travels so (service/speculation.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from typing import Any

import asyncpg

from db.failures import is_connection_lost, is_recovery_conflict
from db.json_rows import Conversions, json_conversions, rows_from_json
from db.pool import ConnectionSource

# Turns of the event loop a read waits for others: the loader batches of a level start one or two turns after the
# level asks for them (the loader's dispatch callback, then the batch's task: loaders/base.py).
TURNS = 3
_PARAMETER = re.compile(r"\$(\d+)")
# By statement text (the statements are the code's own: a bounded set): its column names, and the conversions of
# its columns when it is read as JSON (None: read as an array of records).
_COLUMNS: dict[str, tuple[tuple[str, ...], Conversions | None]] = {}
# Combined statements by their reads' texts, parameter counts and forms: the combinations a plan's levels make.
_STATEMENTS: dict[tuple[tuple[str, int, bool], ...], str] = {}
MAX_STATEMENTS = 1024


def combined_statement(
    reads: Sequence[tuple[str, Sequence[Any]]], as_json: Sequence[bool] | None = None
) -> tuple[str, list[Any]]:
    """One statement selecting each read's rows as an array (or, where `as_json` says so, as one `json_agg`), and
    the parameters of all, renumbered in turn."""
    parameters: list[Any] = []
    for _, args in reads:
        parameters.extend(args)
    forms = as_json if as_json is not None else [False] * len(reads)
    shape = tuple((query, len(args), json) for (query, args), json in zip(reads, forms, strict=True))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        # Written once per combination of statements (and so the same text object each time: its hash, and the
        # driver's prepared statement, are found at once).
        if len(_STATEMENTS) >= MAX_STATEMENTS:
            _STATEMENTS.clear()
        statement = _STATEMENTS[shape] = _written(shape)
    return statement, parameters


def _written(shape: tuple[tuple[str, int, bool], ...]) -> str:
    parts: list[str] = []
    offset = 0
    for query, count, json in shape:
        renumbered = _PARAMETER.sub(lambda m, offset=offset: f"${int(m[1]) + offset}", query)  # type: ignore[misc]
        parts.append(
            f"(select convert_to(json_agg(q)::text, 'UTF8') from ({renumbered}) q)" if json
            else f"array(select q from ({renumbered}) q)"
        )
        offset += count
    return "select " + ",\n       ".join(parts)


class CombinedReads:
    """A connection-like front of the request's connection whose `fetch`, `fetchrow` and `fetchval` are combined."""

    __slots__ = ("_queue", "_riders", "_scheduled", "_tasks", "source")

    def __init__(self, source: ConnectionSource) -> None:
        self.source = source
        self._queue: list[tuple[str, tuple[Any, ...], asyncio.Future[list[Any]]]] = []
        self._riders: list[tuple[str, tuple[Any, ...], asyncio.Future[list[Any]]]] = []
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    def ride(self, query: str, *args: Any) -> asyncio.Future[list[Any]]:
        """A read sent with the next batch of reads (or by `send_riders`): its rows, when they come."""
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._riders.append((query, args, future))
        return future

    async def send_riders(self) -> None:
        """Send the riders no batch has taken yet, together, now."""
        if self._riders:
            riders, self._riders = self._riders, []
            await self._send(riders)

    def acquire(self) -> contextlib.nullcontext[CombinedReads]:
        """Itself, for code written against a connection source (`async with source.acquire() as conn`)."""
        return contextlib.nullcontext(self)

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._queue.append((query, args, future))
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._wait, TURNS)
        return await future

    async def fetchrow(self, query: str, *args: Any) -> Any:
        rows = await self.fetch(query, *args)
        return rows[0] if rows else None

    async def fetchval(self, query: str, *args: Any) -> Any:
        row = await self.fetchrow(query, *args)
        if row is None:
            return None
        return next(iter(row.values())) if type(row) is dict else row[0]

    def _wait(self, turns: int) -> None:
        if turns > 0:
            asyncio.get_running_loop().call_soon(self._wait, turns - 1)
            return
        batch, self._queue, self._scheduled = self._queue + self._riders, [], False
        self._riders = []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[tuple[str, tuple[Any, ...], asyncio.Future[list[Any]]]]) -> None:
        try:
            async with self.source.acquire() as conn:
                if len(batch) == 1:
                    query, args, future = batch[0]
                    _settle(future, await conn.fetch(query, *args))
                    return
                try:
                    results = await self._combined(conn, batch)
                except Exception as exc:
                    if (
                        is_connection_lost(exc, conn) or isinstance(exc, asyncpg.QueryCanceledError)
                        or is_recovery_conflict(exc)
                    ):
                        # The connection is gone, the time is up, or a standby's replay cancelled the statement:
                        # not a read's own error, and none would fare better alone (db/pool.py).
                        raise
                    for query, args, future in batch:  # each on its own: the error is the read's that caused it
                        try:
                            _settle(future, await conn.fetch(query, *args))
                        except Exception as own:
                            _fail(future, own)
                    return
        except BaseException as exc:
            for _, _, future in batch:
                _fail(future, exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, _, future), rows in zip(batch, results, strict=True):
            _settle(future, rows)

    @staticmethod
    async def _combined(
        conn: asyncpg.Connection, batch: list[tuple[str, tuple[Any, ...], asyncio.Future[list[Any]]]]
    ) -> list[list[dict[str, Any]]]:
        columns = []
        for query, _, _ in batch:
            known = _COLUMNS.get(query)
            if known is None:
                attributes = (await conn.prepare(query)).get_attributes()
                known = _COLUMNS[query] = (tuple(a.name for a in attributes), json_conversions(attributes))
            columns.append(known)
        statement, parameters = combined_statement(
            [(query, args) for query, args, _ in batch], [conversions is not None for _, conversions in columns]
        )
        record = await conn.fetchrow(statement, *parameters)
        assert record is not None
        return [
            [dict(zip(names, row, strict=True)) for row in record[i]] if conversions is None
            else rows_from_json(record[i], conversions)
            for i, (names, conversions) in enumerate(columns)
        ]


def _settle(future: asyncio.Future[list[Any]], rows: list[Any]) -> None:
    if not future.done():
        future.set_result(rows)


def _fail(future: asyncio.Future[list[Any]], exc: BaseException) -> None:
    if not future.done():
        if isinstance(exc, asyncio.CancelledError):
            future.cancel()
        else:
            future.set_exception(exc)
            # Its reader raises it when awaiting; a reader gone with a cancelled request leaves nothing to log.
            future.exception()

