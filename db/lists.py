"""One declaration per keyset-paged list: its page, count and by-id statements.

A list is a table's rows in (order column, id) order. From the table, its columns, its order and an optional filter,
`KeysetList` writes the statements every list needs. A personal list names its `owner` column and its `part` of
a person's data (db/readable.py): its page and count read one person's rows, and every statement is bound to the
persons the viewer may read that part of (defence in depth behind the schema's owner check). A filter is SQL
with `{value}` where its value goes (a null value: no filter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from db.readable import for_keys, readable_by


class KeysetList:
    __slots__ = (
        "count_sql", "filtered", "order", "order_type", "owner", "part", "select_by_id_sql", "select_page_sql"
    )

    def __init__(
        self,
        table: str,
        columns: str,
        *,
        order: str,
        order_type: str,
        descending: bool = True,
        owner: str | None = None,
        part: str | None = None,
        filter: str | None = None,
    ) -> None:
        if (owner is None) != (part is None):  # pragma: no cover - a declaration error, met at import
            raise ValueError("a personal list names both its owner column and its part")
        self.order, self.order_type, self.owner, self.part = order, order_type, owner, part
        self.filtered = filter is not None
        # $1 the person whose list it is, $2 the viewer: the list is empty unless the viewer may read that part.
        conditions = [f"{owner} = $1", readable_by("$1::bigint", "$2::bigint", part)] if owner and part else []
        if filter is not None:
            conditions.append(filter.format(value=f"${len(conditions) + 1}"))
        after = len(conditions) + 1
        where = " and ".join(conditions) or "true"
        direction, beyond = ("desc", "<") if descending else ("asc", ">")
        self.select_page_sql = (
            f"select {columns} from {table}\n"
            f"where {where}\n"
            f"and (${after}::{order_type} is null or ({order}, id) {beyond} (${after}, ${after + 1}::bigint))\n"
            f"order by {order} {direction}, id {direction}\n"
            f"limit ${after + 2}"
        )
        self.count_sql = f"select count(*) from {table} where {where}"
        # A personal row is only ever loaded for its owner or whoever may read it, whatever key a resolver passes.
        bound = f" and {readable_by(owner, '$2', part)}" if owner and part else ""
        self.select_by_id_sql = f"select {columns} from {table} where id = any($1::bigint[]){bound}"

    def _arguments(self, owner_id: int | None, viewer_id: int | None, value: Any) -> list[Any]:
        return [*([owner_id, viewer_id] if self.owner else []), *([value] if self.filtered else [])]

    async def page(
        self,
        conn: asyncpg.Connection,
        *,
        after: Sequence[Any] | None,
        limit: int,
        owner_id: int | None = None,
        viewer_id: int | None = None,
        value: Any = None,
    ) -> list[asyncpg.Record]:
        """In list order; `after` is the (order column, id) of the last row of the previous page."""
        order_key, last_id = after if after else (None, None)
        arguments = self._arguments(owner_id, viewer_id, value)
        statement = for_keys(self.select_page_sql, (owner_id,), viewer_id) if self.owner else self.select_page_sql
        return await conn.fetch(statement, *arguments, order_key, last_id, limit)

    async def count(
        self, conn: asyncpg.Connection, *, owner_id: int | None = None, viewer_id: int | None = None, value: Any = None
    ) -> int:
        statement = for_keys(self.count_sql, (owner_id,), viewer_id) if self.owner else self.count_sql
        count: int = await conn.fetchval(statement, *self._arguments(owner_id, viewer_id, value))
        return count

    async def by_id(
        self, conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int | None = None
    ) -> list[asyncpg.Record]:
        owner = [viewer_id] if self.owner else []
        return await conn.fetch(self.select_by_id_sql, list(ids), *owner)
