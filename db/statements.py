"""Composing a statement whose conditions depend on the request: values travel as $n parameters, never as text."""

from __future__ import annotations

from typing import Any

import asyncpg


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
