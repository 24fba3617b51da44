"""One declaration per personal list: a person's rows, newest first, paged by (order column, id).

From the table, its columns, its keyset column and an optional filter, `PersonalList` writes the three statements
every personal list needs: a page, a count and a batch by id bound to the viewer (defence in depth behind the
schema's owner check). The filter, when there is one, reads its value from `$2` (null: no filter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg


class PersonalList:
    __slots__ = ("count_sql", "filtered", "order", "order_type", "select_by_id_sql", "select_page_sql")

    def __init__(self, table: str, columns: str, *, order: str, order_type: str, filter: str | None = None) -> None:
        self.order, self.order_type = order, order_type
        self.filtered = filter is not None
        where = "person_id = $1" + (f" and {filter}" if filter else "")
        after = 3 if filter else 2
        self.select_page_sql = (
            f"select {columns} from {table}\n"
            f"where {where} and (${after}::{order_type} is null or ({order}, id) < (${after}, ${after + 1}::bigint))\n"
            f"order by {order} desc, id desc\n"
            f"limit ${after + 2}"
        )
        self.count_sql = f"select count(*) from {table} where {where}"
        # `person_id = $2`: a row is only ever loaded for its owner, whatever key a resolver passes.
        self.select_by_id_sql = f"select {columns} from {table} where id = any($1::bigint[]) and person_id = $2"

    def _filtered(self, person_id: int, value: Any) -> list[Any]:
        return [person_id, value] if self.filtered else [person_id]

    async def page(
        self, conn: asyncpg.Connection, person_id: int, *, after: Sequence[Any] | None, limit: int, value: Any = None
    ) -> list[asyncpg.Record]:
        """Newest first; `after` is the (order column, id) of the last row of the previous page."""
        order_key, last_id = after if after else (None, None)
        return await conn.fetch(self.select_page_sql, *self._filtered(person_id, value), order_key, last_id, limit)

    async def count(self, conn: asyncpg.Connection, person_id: int, *, value: Any = None) -> int:
        count: int = await conn.fetchval(self.count_sql, *self._filtered(person_id, value))
        return count

    async def by_id(self, conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
        return await conn.fetch(self.select_by_id_sql, list(ids), viewer_id)
