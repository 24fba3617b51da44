"""Composing a statement whose conditions depend on the request: values travel as $n parameters, never as text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

# A search's read-only transaction, begun with a plan per call for its statements (db/pool.py keeps one plan per
# prepared statement otherwise): both in one round trip.
BEGIN_SEARCH = "begin read only; set local plan_cache_mode = auto"


class Params:
    """Collects parameter values and hands out their $n placeholders."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


async def fetch_one(conn: asyncpg.Connection, query: str, *args: Any) -> asyncpg.Record:
    """The row of a statement that always returns one (an insert, an upsert or an update ... returning)."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        raise LookupError("the statement returned no row")
    return row


@asynccontextmanager
async def search_transaction(conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """A read-only transaction whose statements are planned for their values (BEGIN_SEARCH), committed at the end
    and rolled back on an error (a connection lost on the way is its user's to report)."""
    await conn.execute(BEGIN_SEARCH)
    try:
        yield conn
    except BaseException:
        if not conn.is_closed():
            await asyncio.shield(conn.execute("rollback"))
        raise
    await conn.execute("commit")
